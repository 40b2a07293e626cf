using System.Collections.Immutable;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2002: raw delays outside a <c>[ContextBoundary]</c>: <c>Task.Delay</c> (including
/// <c>Task.Delay(...).ContinueWith(...)</c>) anywhere, and <c>Thread.Sleep</c> in an async method or lambda.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawDelayAnalyzer : DiagnosticAnalyzer
{
    /// <summary><c>Task.Delay(...)</c> used as a task: becomes <c>clock.SleepAsync(...)</c>.</summary>
    public const string DelayShape = "Delay";

    /// <summary><c>Task.Delay(d).ContinueWith(...)</c>: becomes <c>clock.CallLater(d, ...)</c>.</summary>
    public const string ContinueWithShape = "ContinueWith";

    /// <summary><c>Thread.Sleep(d);</c> in an async method: becomes <c>await clock.SleepAsync(d);</c>.</summary>
    public const string SleepShape = "Sleep";

    private const string Inject = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and wait with its SleepAsync";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RawDelay);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = ContextFlowTypes.Create(start.Compilation);
            if (types?.Task is null)
            {
                return;
            }

            var boundary = new ContextBoundary(types.ContextBoundaryAttribute);
            var targets = new InjectionTargets(types.Clock, types.Server, "Clock");
            start.RegisterOperationAction(c => Analyze(c, types, boundary, targets), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ContextFlowTypes types, ContextBoundary boundary, InjectionTargets targetFinder)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        string shape;
        string what;
        if (method.Name == "Delay" && ContextFlowTypes.Is(method.ContainingType, types.Task))
        {
            var continuation = Advice.ParentSkippingConversions(invocation) as IInvocationOperation;
            shape = continuation is { TargetMethod.Name: "ContinueWith" } && continuation.Instance is { } instance &&
                Advice.WalkDownConversions(instance) == invocation ? ContinueWithShape : DelayShape;
            what = "Task.Delay";
        }
        else if (method.Name == "Sleep" && ContextFlowTypes.Is(method.ContainingType, types.Thread))
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

        if (boundary.Contains(invocation, context.ContainingSymbol))
        {
            return;
        }

        var enclosing = ContextBoundary.Enclosing(invocation, context.ContainingSymbol);
        var targets = targetFinder.Find(invocation, enclosing);
        var member = shape == ContinueWithShape ? "CallLater" : "SleepAsync";
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.RawDelay,
            invocation.Syntax.GetLocation(),
            Advice.Properties(targets, shape),
            what,
            Advice.Use(targets, member, Inject)));
    }
}
