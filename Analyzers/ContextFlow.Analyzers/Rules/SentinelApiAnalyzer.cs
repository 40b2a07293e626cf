using System.Collections.Immutable;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX1002: APIs that start work without the caller's ExecutionContext (so in the sentinel context), outside a
/// <c>[ContextBoundary]</c>: <c>ExecutionContext.SuppressFlow</c>, <c>ThreadPool.UnsafeQueueUserWorkItem</c>,
/// <c>ThreadPool.UnsafeRegisterWaitForSingleObject</c>, <c>CancellationToken.UnsafeRegister</c>,
/// <c>Thread.UnsafeStart</c> and <c>UnsafeOnCompleted</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SentinelApiAnalyzer : ContextFlowAnalyzer
{
    /// <summary>The key of <see cref="Diagnostic.Properties"/> naming the flowing method that replaces the call.</summary>
    public const string FlowingKey = "Flowing";

    public SentinelApiAnalyzer()
        : base(Descriptors.SentinelApi)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation) =>
        start.RegisterOperationAction(new Context(compilation).AnalyzeInvocation, OperationKind.Invocation);

    private sealed class Context(RuleCompilation compilation)
    {
        private readonly ContextFlowTypes _types = compilation.Types;

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            var flowing = FlowingVariant(method);
            if (flowing is null || compilation.IsExempt(invocation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var advice = flowing.Length == 0
                ? "run the work with BackgroundProcesses.RunAsBackgroundProcess, or mark the member [ContextBoundary(\"why\")]"
                : $"use '{flowing}', which keeps the caller's context";
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (flowing.Length > 0)
            {
                properties = properties.Add(FlowingKey, flowing);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.SentinelApi,
                invocation.Syntax.GetLocation(),
                properties,
                method.ContainingType.Name + "." + method.Name,
                advice));
        }

        /// <summary>The flowing method's name, "" when there is none, null when the method is not one of the rule's.</summary>
        private string? FlowingVariant(IMethodSymbol method)
        {
            var type = method.ContainingType;
            switch (method.Name)
            {
                case "SuppressFlow" when ContextFlowTypes.Is(type, _types.ExecutionContext):
                    return string.Empty;
                case "UnsafeQueueUserWorkItem" when ContextFlowTypes.Is(type, _types.ThreadPool):
                    return method.Parameters.Length == 2 && method.Parameters[1].Type.SpecialType == SpecialType.System_Boolean
                        && method.Parameters[0].Type.TypeKind == TypeKind.Interface ? string.Empty : "QueueUserWorkItem";
                case "UnsafeRegisterWaitForSingleObject" when ContextFlowTypes.Is(type, _types.ThreadPool):
                    return "RegisterWaitForSingleObject";
                case "UnsafeRegister" when ContextFlowTypes.Is(type, _types.CancellationToken):
                    return "Register";
                case "UnsafeStart" when ContextFlowTypes.Is(type, _types.Thread):
                    return "Start";
                case "UnsafeOnCompleted" when IsCriticalNotifyCompletion(type, _types.CriticalNotifyCompletion):
                    return "OnCompleted";
                default:
                    return null;
            }
        }

        private static bool IsCriticalNotifyCompletion(INamedTypeSymbol type, INamedTypeSymbol? criticalNotifyCompletion)
        {
            if (criticalNotifyCompletion is null)
            {
                return false;
            }

            if (ContextFlowTypes.Is(type, criticalNotifyCompletion))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (ContextFlowTypes.Is(implemented, criticalNotifyCompletion))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
