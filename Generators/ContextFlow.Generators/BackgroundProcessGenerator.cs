using System.Collections.Immutable;
using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContextFlow.Generators;

/// <summary>
/// For every <c>[BackgroundProcess("desc")]</c> method, generates <c>{Name}InBackground(...)</c>, which starts the
/// method as the background process <c>desc</c> of the owning server and returns the task of its completion.
/// Misuse is reported by <see cref="GeneratorUsageAnalyzer"/>; the generator skips what it cannot generate.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class BackgroundProcessGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.BackgroundProcessAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (syntax, cancellationToken) => Parser.Parse(
                    new KnownTypes(syntax.SemanticModel.Compilation), (IMethodSymbol)syntax.TargetSymbol, syntax.Attributes[0], diagnostics: null, cancellationToken))
            .WithTrackingName(TrackingNames.Parsed)
            .SelectMany(static (model, _) => model is null ? ImmutableArray<Model>.Empty : ImmutableArray.Create(model))
            .WithTrackingName(TrackingNames.Valid);

        context.RegisterSourceOutput(models, static (output, model) => output.AddSource(model.HintName, Emitter.Emit(model)));
    }
}
