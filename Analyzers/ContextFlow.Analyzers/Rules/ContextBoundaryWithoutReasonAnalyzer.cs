using System.Collections.Immutable;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>CTX1000: a <c>[ContextBoundary]</c> whose reason is missing, empty or whitespace.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContextBoundaryWithoutReasonAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.ContextBoundaryWithoutReason);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = ContextFlowTypes.Create(start.Compilation);
            if (types is null)
            {
                return;
            }

            var attribute = types.ContextBoundaryAttribute;
            start.RegisterSymbolAction(
                c => Analyze(c.Symbol, attribute, c.ReportDiagnostic, c.CancellationToken),
                SymbolKind.NamedType, SymbolKind.Method, SymbolKind.Property, SymbolKind.Field, SymbolKind.Event);

            // Local functions are not symbols the driver visits on its own.
            start.RegisterOperationAction(
                c => Analyze(((ILocalFunctionOperation)c.Operation).Symbol, attribute, c.ReportDiagnostic, c.CancellationToken),
                OperationKind.LocalFunction);
        });
    }

    private static void Analyze(ISymbol symbol, INamedTypeSymbol boundary, System.Action<Diagnostic> report, System.Threading.CancellationToken cancellationToken)
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
