using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2002: raw delays outside a <c>[ContextBoundary]</c>: <c>Task.Delay</c> (including
/// <c>Task.Delay(...).ContinueWith(...)</c>) anywhere, and <c>Thread.Sleep</c> in an async method or lambda.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawDelayAnalyzer : ContextFlowAnalyzer
{
    /// <summary><c>Task.Delay(...)</c> used as a task: becomes <c>clock.SleepAsync(...)</c>.</summary>
    public const string DelayShape = "Delay";

    /// <summary><c>Task.Delay(d).ContinueWith(...)</c>: becomes <c>clock.CallLater(d, ...)</c>.</summary>
    public const string ContinueWithShape = "ContinueWith";

    /// <summary><c>Thread.Sleep(d);</c> in an async method: becomes <c>await clock.SleepAsync(d);</c>.</summary>
    public const string SleepShape = "Sleep";

    private const string Inject = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and wait with its SleepAsync";

    public RawDelayAnalyzer()
        : base(Descriptors.RawDelay)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        if (compilation.Types.Task is not null)
        {
            start.RegisterOperationAction(new Context(compilation).AnalyzeInvocation, OperationKind.Invocation);
        }
    }

    private sealed class Context(RuleCompilation compilation)
    {
        private readonly ContextFlowTypes _types = compilation.Types;

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            string shape;
            string what;
            if (method.Name == "Delay" && ContextFlowTypes.Is(method.ContainingType, _types.Task))
            {
                shape = invocation.ParentSkippingConversions() is IInvocationOperation { TargetMethod.Name: "ContinueWith", Instance: { } instance } &&
                    instance.WalkDownConversions() == invocation ? ContinueWithShape : DelayShape;
                what = "Task.Delay";
            }
            else if (method.Name == "Sleep" && ContextFlowTypes.Is(method.ContainingType, _types.Thread))
            {
                if (ContextBoundary.Enclosing(invocation, context.ContainingSymbol) is not IMethodSymbol { IsAsync: true })
                {
                    return; // a synchronous method may block its own thread
                }

                shape = SleepShape;
                what = "Thread.Sleep";
            }
            else
            {
                return;
            }

            if (compilation.IsExempt(invocation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var targets = compilation.ClockTargets.Find(invocation, ContextBoundary.Enclosing(invocation, context.ContainingSymbol));
            var member = shape == ContinueWithShape ? "CallLater" : "SleepAsync";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.RawDelay,
                invocation.Syntax.GetLocation(),
                Advice.Properties(targets, shape),
                what,
                Advice.Use(targets, member, Inject)));
        }
    }
}
