using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContextFlow.Generators;

/// <summary>
/// For every <c>[ContextDecorator]</c> interface <c>IName</c>, generates <c>NameContextDecorator</c>, which implements
/// the interface over an inner instance and runs every call in the nested context <c>"{Interface}.{Member}"</c>,
/// recording its block metrics through <c>ContextFlow.Metrics.Measure</c>.
/// Misuse is reported by <see cref="GeneratorUsageAnalyzer"/>; the generator skips what it cannot generate.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ContextDecoratorGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context) => AttributePipeline.Register(
        context,
        KnownTypes.ContextDecoratorAttribute,
        static (node, _) => node is InterfaceDeclarationSyntax,
        static (syntax, known, cancellationToken) => Parser.Parse(known, (INamedTypeSymbol)syntax.TargetSymbol, diagnostics: null, cancellationToken),
        static model => model.HintName,
        Emitter.Emit);
}
