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
    public void Initialize(IncrementalGeneratorInitializationContext context) => AttributePipeline.Register(
        context,
        KnownTypes.BackgroundProcessAttribute,
        static (node, _) => node is MethodDeclarationSyntax,
        static (syntax, known, cancellationToken) => Parser.Parse(known, (IMethodSymbol)syntax.TargetSymbol, syntax.Attributes[0], diagnostics: null, cancellationToken),
        static model => model.HintName,
        Emitter.Emit);
}
