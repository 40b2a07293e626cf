using System.Collections.Immutable;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2004: <c>new Clock(...)</c> outside a type deriving from <c>ContextFlow.Hosting.Server</c> and outside a
/// <c>[ContextBoundary]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClockOutsideServerAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.ClockOutsideServer);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = ContextFlowTypes.Create(start.Compilation);
            if (types?.Clock is not { } clock)
            {
                return;
            }

            var boundary = new ContextBoundary(types.ContextBoundaryAttribute);
            start.RegisterOperationAction(c => Analyze(c, clock, types.Server, boundary), OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol clock, INamedTypeSymbol? server, ContextBoundary boundary)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!ContextFlowTypes.Is(creation.Type, clock) || InsideServer(context.ContainingSymbol, server) || boundary.Contains(creation, context.ContainingSymbol))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.ClockOutsideServer, creation.Syntax.GetLocation()));
    }

    private static bool InsideServer(ISymbol symbol, INamedTypeSymbol? server)
    {
        for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            if (ContextFlowTypes.DerivesFrom(type, server))
            {
                return true;
            }
        }

        return false;
    }
}
