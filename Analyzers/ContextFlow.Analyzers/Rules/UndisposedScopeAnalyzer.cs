using System.Collections.Immutable;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX1001: a <c>LoggingContextScope</c> that is discarded, or kept in a local that is neither declared with
/// <c>using</c> nor disposed in a <c>finally</c>. Returning the scope or storing it in a field or property hands its
/// disposal to the owner and is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndisposedScopeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The scope is thrown away (expression statement or discard).</summary>
    public const string DiscardedShape = "Discarded";

    /// <summary>The scope is the initializer of a plain local declaration.</summary>
    public const string LocalShape = "Local";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.UndisposedScope);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = ContextFlowTypes.Create(start.Compilation);
            if (types?.LoggingContextScope is not { } scope)
            {
                return;
            }

            var generated = new GeneratedCode(types);
            start.RegisterOperationAction(c => Analyze(c, scope, generated), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol scope, GeneratedCode generated)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ReturnType, scope))
        {
            return;
        }

        var shape = Classify(invocation);
        if (shape is not null && !generated.Contains(invocation, context.ContainingSymbol, context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.UndisposedScope,
                invocation.Syntax.GetLocation(),
                Advice.Properties(ImmutableArray<string>.Empty, shape),
                invocation.TargetMethod.Name + "()"));
        }
    }

    private static string? Classify(IInvocationOperation invocation)
    {
        var parent = Advice.ParentSkippingConversions(invocation);
        switch (parent)
        {
            case IExpressionStatementOperation:
                return DiscardedShape;
            case ISimpleAssignmentOperation assignment when Advice.WalkDownConversions(assignment.Target) is IDiscardOperation:
                return DiscardedShape;
            case ISimpleAssignmentOperation assignment when Advice.WalkDownConversions(assignment.Target) is ILocalReferenceOperation local:
                return DisposedInFinally(invocation, local.Local) ? null : LocalShape;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                if (declarator.Parent?.Parent is IVariableDeclarationGroupOperation { Parent: IUsingOperation or IUsingDeclarationOperation } ||
                    declarator.Parent is IVariableDeclarationOperation { Parent: IUsingOperation or IUsingDeclarationOperation })
                {
                    return null;
                }

                return DisposedInFinally(invocation, declarator.Symbol) ? null : LocalShape;
            default:
                return null; // using (...), returned, passed on or stored in a member: its owner disposes it
        }
    }

    private static bool DisposedInFinally(IOperation site, ILocalSymbol local)
    {
        var root = site;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is ITryOperation { Finally: { } @finally })
            {
                foreach (var inner in @finally.Descendants())
                {
                    if (inner is IInvocationOperation { TargetMethod.Name: "Dispose", Instance: { } instance } &&
                        Advice.WalkDownConversions(instance) is ILocalReferenceOperation reference &&
                        SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
