using System.Collections.Immutable;
using ContextFlow.Analyzers.Internals;
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
public sealed class UndisposedScopeAnalyzer : ContextFlowAnalyzer
{
    /// <summary>The scope is thrown away (expression statement or discard).</summary>
    public const string DiscardedShape = "Discarded";

    /// <summary>The scope is the initializer of a plain local declaration.</summary>
    public const string LocalShape = "Local";

    public UndisposedScopeAnalyzer()
        : base(Descriptors.UndisposedScope)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        if (compilation.Types.LoggingContextScope is { } scope)
        {
            start.RegisterOperationAction(new Context(compilation, scope).AnalyzeInvocation, OperationKind.Invocation);
        }
    }

    private sealed class Context(RuleCompilation compilation, INamedTypeSymbol scope)
    {
        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ReturnType, scope))
            {
                return;
            }

            var shape = Classify(invocation);
            if (shape is not null && !compilation.Generated.Contains(invocation, context.ContainingSymbol, context.CancellationToken))
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
            var parent = invocation.ParentSkippingConversions();
            switch (parent)
            {
                case IExpressionStatementOperation:
                    return DiscardedShape;
                case ISimpleAssignmentOperation assignment when assignment.Target.WalkDownConversions() is IDiscardOperation:
                    return DiscardedShape;
                case ISimpleAssignmentOperation assignment when assignment.Target.WalkDownConversions() is ILocalReferenceOperation local:
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
            foreach (var operation in site.Root().Descendants())
            {
                if (operation is ITryOperation { Finally: { } @finally })
                {
                    foreach (var inner in @finally.Descendants())
                    {
                        if (inner is IInvocationOperation { TargetMethod.Name: "Dispose", Instance: { } instance } && instance.IsReferenceTo(local))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }
    }
}
