using System.Collections.Immutable;
using System.Linq;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2002: raw delays outside a <c>[ContextBoundary]</c>: <c>Task.Delay</c> (including
/// <c>Task.Delay(...).ContinueWith(...)</c> and the method group) anywhere, <c>Thread.Sleep</c> in an async method or
/// lambda, and timeouts on the system clock: <c>task.WaitAsync(timeout)</c>,
/// <c>new CancellationTokenSource(delay)</c> and <c>cts.CancelAfter(delay)</c>, unless the overload takes a
/// <c>TimeProvider</c> (for <c>CancelAfter</c>: unless the source was made with one in the same method).
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

    /// <summary><c>Task.Delay</c> as a method group: becomes <c>clock.SleepAsync</c> or a lambda calling it.</summary>
    public const string MethodGroupShape = "MethodGroup";

    /// <summary><c>task.WaitAsync(timeout[, ct])</c>: becomes <c>task[.WaitAsync(ct)].TimeoutAsync(timeout, clock)</c>.</summary>
    public const string WaitAsyncShape = "WaitAsync";

    /// <summary>
    /// The key of <see cref="Diagnostic.Properties"/> with the parameters of the delegate a <c>Task.Delay</c> method
    /// group becomes: <c>TimeSpan</c>, <c>int</c> and <c>CancellationToken</c>, separated by ';'.
    /// </summary>
    public const string DelegateParametersKey = "DelegateParameters";

    private const string Inject = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and wait with its SleepAsync";
    private const string InjectForTimeout = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and ";

    public RawDelayAnalyzer()
        : base(Descriptors.RawDelay)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        if (compilation.Types.Task is null)
        {
            return;
        }

        var context = new Context(compilation);
        start.RegisterOperationAction(context.AnalyzeInvocation, OperationKind.Invocation);
        start.RegisterOperationAction(context.AnalyzeMethodReference, OperationKind.MethodReference);
        if (compilation.Types.CancellationTokenSource is not null)
        {
            start.RegisterOperationAction(context.AnalyzeCreation, OperationKind.ObjectCreation);
        }
    }

    private sealed class Context(RuleCompilation compilation)
    {
        private readonly ContextFlowTypes _types = compilation.Types;

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            switch (method.Name)
            {
                case "Delay" when ContextFlowTypes.Is(method.ContainingType, _types.Task):
                    var shape = invocation.ParentSkippingConversions() is IInvocationOperation { TargetMethod.Name: "ContinueWith", Instance: { } instance } &&
                        instance.WalkDownConversions() == invocation ? ContinueWithShape : DelayShape;
                    Report(context, invocation, "Task.Delay", shape, shape == ContinueWithShape ? "CallLater" : "SleepAsync");
                    break;
                case "Sleep" when ContextFlowTypes.Is(method.ContainingType, _types.Thread):
                    // A synchronous method may block its own thread.
                    if (ContextBoundary.Enclosing(invocation, context.ContainingSymbol) is IMethodSymbol { IsAsync: true })
                    {
                        Report(context, invocation, "Thread.Sleep", SleepShape, "SleepAsync");
                    }

                    break;
                case "WaitAsync" when _types.IsTaskLike(method.ContainingType) && IsSystemClockTimeout(invocation.Arguments):
                    ReportTimeout(context, invocation, "Task.WaitAsync", WaitAsyncShape,
                        clock => $"time out with task.TimeoutAsync(timeout, {clock}) (ContextFlow.Background.ContextTasks), or with WaitAsync(timeout, timeProvider) on the server's TimeProvider");
                    break;
                case "CancelAfter" when ContextFlowTypes.Is(method.ContainingType, _types.CancellationTokenSource) &&
                                        IsSystemClockTimeout(invocation.Arguments) && !MadeWithTimeProvider(invocation.Instance):
                    ReportTimeout(context, invocation, "CancellationTokenSource.CancelAfter", null, CancelAdvice);
                    break;
            }
        }

        public void AnalyzeCreation(OperationAnalysisContext context)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (ContextFlowTypes.Is(creation.Type, _types.CancellationTokenSource) && IsSystemClockTimeout(creation.Arguments))
            {
                ReportTimeout(context, creation, "new CancellationTokenSource(delay)", null, CancelAdvice);
            }
        }

        public void AnalyzeMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            var method = reference.Method;
            if (method.Name != "Delay" || !ContextFlowTypes.Is(method.ContainingType, _types.Task) ||
                method.Parameters.Any(p => ContextFlowTypes.Is(p.Type, _types.TimeProvider)))
            {
                return;
            }

            // Only the shapes SleepAsync can stand for get a fix: a delay in TimeSpan or milliseconds, then maybe a token.
            var parameters = AwaitedOverloads.DelegateParameters(reference.Parent?.Type)
                .Select(p => ContextFlowTypes.Is(p.Type, _types.CancellationToken) ? "CancellationToken" : p.Type.SpecialType == SpecialType.System_Int32 ? "int" : p.Type.Name)
                .ToList();
            var fixable = parameters.Count is 1 or 2 && parameters[0] is "TimeSpan" or "int" && (parameters.Count == 1 || parameters[1] == "CancellationToken");
            Report(context, reference, "Task.Delay", fixable ? MethodGroupShape : null, "SleepAsync", fixable ? string.Join(";", parameters) : null);
        }

        private static string CancelAdvice(string clock) =>
            $"time out with ContextTasks.TimeoutAsync(task, timeout, {clock}, cancel), which cancels the source when the timeout passes on the clock, " +
            "or make the source with new CancellationTokenSource(delay, timeProvider) on the server's TimeProvider";

        /// <summary>
        /// A call or creation given a delay (a <c>TimeSpan</c>, or milliseconds in an <c>int</c>) and no
        /// <c>TimeProvider</c>, so its timer runs on the system clock; an infinite delay arms no timer.
        /// </summary>
        private bool IsSystemClockTimeout(ImmutableArray<IArgumentOperation> arguments)
        {
            var delay = false;
            foreach (var argument in arguments)
            {
                var type = argument.Parameter?.Type;
                if (ContextFlowTypes.Is(type, _types.TimeProvider))
                {
                    return false;
                }

                if (type is { Name: "TimeSpan", ContainingNamespace.Name: "System" } || type?.SpecialType == SpecialType.System_Int32)
                {
                    delay = !IsInfinite(argument.Value.WalkDownConversions());
                }
            }

            return delay;
        }

        private bool IsInfinite(IOperation delay) =>
            delay.ConstantValue is { HasValue: true, Value: -1 } ||
            (delay is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } field && ContextFlowTypes.Is(field.Field.ContainingType, _types.Timeout));

        /// <summary>
        /// True when the source was created with a <c>TimeProvider</c> (whose timer <c>CancelAfter</c> then uses): the
        /// creation itself, or a local of the same method every assignment of which is one.
        /// </summary>
        private bool MadeWithTimeProvider(IOperation? source)
        {
            source = source?.WalkDownConversions();
            if (source is ILocalReferenceOperation local)
            {
                var values = local.Local.AssignedValues(source.Root()).ToList();
                return values.Count > 0 && values.All(v => MadeWithTimeProvider(v.WalkDownConversions() as IObjectCreationOperation));
            }

            return source is IObjectCreationOperation creation && creation.Arguments.Any(a => ContextFlowTypes.Is(a.Parameter?.Type, _types.TimeProvider));
        }

        private void ReportTimeout(OperationAnalysisContext context, IOperation operation, string what, string? shape, System.Func<string, string> advice)
        {
            if (compilation.IsExempt(operation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var targets = compilation.ClockTargets.Find(operation, ContextBoundary.Enclosing(operation, context.ContainingSymbol));
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.RawDelay,
                operation.Syntax.GetLocation(),
                Advice.Properties(shape is null ? ImmutableArray<string>.Empty : targets, shape),
                what,
                targets.IsEmpty ? InjectForTimeout + advice("clock") : advice(targets[0])));
        }

        private void Report(OperationAnalysisContext context, IOperation operation, string what, string? shape, string member, string? delegateParameters = null)
        {
            if (compilation.IsExempt(operation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var targets = compilation.ClockTargets.Find(operation, ContextBoundary.Enclosing(operation, context.ContainingSymbol));
            var properties = Advice.Properties(shape is null ? ImmutableArray<string>.Empty : targets, shape);
            if (delegateParameters is not null)
            {
                properties = properties.Add(DelegateParametersKey, delegateParameters);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.RawDelay,
                operation.Syntax.GetLocation(),
                properties,
                what,
                Advice.Use(targets, member, Inject)));
        }
    }
}
