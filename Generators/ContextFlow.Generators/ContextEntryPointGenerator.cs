using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContextFlow.Generators;

/// <summary>
/// For every <c>[ContextEntryPoint("name")]</c> method, generates a <c>{Name}EntryPoint</c> property holding a
/// delegate for foreign callers (events, third-party callbacks, raw threads): it runs the method in a fresh context
/// <c>"name"</c> of the owning server, with no parent, whatever context or thread invokes it.
/// Misuse is reported by <see cref="GeneratorUsageAnalyzer"/>; the generator skips what it cannot generate.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ContextEntryPointGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context) => AttributePipeline.Register(
        context,
        KnownTypes.ContextEntryPointAttribute,
        static (node, _) => node is MethodDeclarationSyntax,
        static (syntax, known, cancellationToken) => Parser.Parse(known, (IMethodSymbol)syntax.TargetSymbol, syntax.Attributes[0], diagnostics: null, cancellationToken),
        static model => model.HintName,
        Emitter.Emit);
}
