using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2004: <c>new Clock(...)</c> outside a type deriving from <c>ContextFlow.Hosting.Server</c> and outside a
/// <c>[ContextBoundary]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClockOutsideServerAnalyzer : ContextFlowAnalyzer
{
    public ClockOutsideServerAnalyzer()
        : base(Descriptors.ClockOutsideServer)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        if (compilation.Types.Clock is { } clock)
        {
            start.RegisterOperationAction(new Context(compilation, clock).AnalyzeCreation, OperationKind.ObjectCreation);
        }
    }

    private sealed class Context(RuleCompilation compilation, INamedTypeSymbol clock)
    {
        public void AnalyzeCreation(OperationAnalysisContext context)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!ContextFlowTypes.Is(creation.Type, clock) || InsideServer(context.ContainingSymbol) ||
                compilation.IsExempt(creation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ClockOutsideServer, creation.Syntax.GetLocation()));
        }

        private bool InsideServer(ISymbol symbol)
        {
            for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (ContextFlowTypes.DerivesFrom(type, compilation.Types.Server))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
