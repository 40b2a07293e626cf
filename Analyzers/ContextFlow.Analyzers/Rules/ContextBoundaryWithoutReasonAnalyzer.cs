using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>CTX1000: a <c>[ContextBoundary]</c> whose reason is missing, empty or whitespace.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContextBoundaryWithoutReasonAnalyzer : ContextFlowAnalyzer
{
    public ContextBoundaryWithoutReasonAnalyzer()
        : base(Descriptors.ContextBoundaryWithoutReason)
    {
    }

    // A symbol rule: the compiler skips generated code for it, as it would for any analyzer.
    private protected override GeneratedCodeAnalysisFlags GeneratedCodeAnalysis => GeneratedCodeAnalysisFlags.None;

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        var context = new Context(compilation.Types.ContextBoundaryAttribute);
        start.RegisterSymbolAction(context.AnalyzeSymbol, SymbolKind.NamedType, SymbolKind.Method, SymbolKind.Property, SymbolKind.Field, SymbolKind.Event);

        // Local functions are not symbols the driver visits on its own.
        start.RegisterOperationAction(context.AnalyzeLocalFunction, OperationKind.LocalFunction);
    }

    private sealed class Context(INamedTypeSymbol boundary)
    {
        public void AnalyzeSymbol(SymbolAnalysisContext context) =>
            Analyze(context.Symbol, context.ReportDiagnostic, context.CancellationToken);

        public void AnalyzeLocalFunction(OperationAnalysisContext context) =>
            Analyze(((ILocalFunctionOperation)context.Operation).Symbol, context.ReportDiagnostic, context.CancellationToken);

        private void Analyze(ISymbol symbol, System.Action<Diagnostic> report, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, boundary) || attribute.ApplicationSyntaxReference is null)
                {
                    continue;
                }

                var arguments = attribute.ConstructorArguments;
                var reason = arguments.Length == 1 && arguments[0].Kind == TypedConstantKind.Primitive ? arguments[0].Value as string : null;
                if (arguments.Length == 1 && arguments[0].Kind == TypedConstantKind.Error)
                {
                    continue; // the compiler already reports the bad argument
                }

                if (string.IsNullOrWhiteSpace(reason))
                {
                    var location = attribute.ApplicationSyntaxReference.GetSyntax(cancellationToken).GetLocation();
                    report(Diagnostic.Create(Descriptors.ContextBoundaryWithoutReason, location, symbol.Name));
                }
            }
        }
    }
}
