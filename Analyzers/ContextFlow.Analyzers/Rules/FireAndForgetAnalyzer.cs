using System.Collections.Immutable;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX3001: work nobody awaits, outside a <c>[ContextBoundary]</c>: a discarded <c>Task.Run</c>,
/// <c>Task.Factory.StartNew</c> or task-returning call (also through <c>?.</c>, and behind a discarded
/// <c>ConfigureAwait</c>), <c>ThreadPool.QueueUserWorkItem</c>, and a thread that is started but never joined.
/// Discarding the task of <c>BackgroundProcesses.RunAsBackgroundProcess</c> (or of a ContextFlow-generated starter) is
/// the sanctioned way and is not reported, nor are a fault observer (a discarded
/// <c>task.ContinueWith(..., OnlyOnFaulted)</c> on a task that already exists), the lifecycle operations whose owner
/// tracks and bounds their work and whose task never faults (<c>Server.ShutdownAsync</c>/<c>DisposeAsync</c>,
/// <c>ServerHost.ShutdownAsync</c>/<c>DisposeAsync</c>/<c>DeprovisionAsync</c>), and the sites other rules report
/// with a better fix: a task-valued lambda body passed where an awaited overload exists (CTX3002), and
/// <c>Task.Delay(...).ContinueWith(...)</c> (CTX2002).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FireAndForgetAnalyzer : ContextFlowAnalyzer
{
    /// <summary>A discarded <c>Task.Run(work)</c>: becomes <c>RunAsBackgroundProcess("name", ct => work)</c>.</summary>
    public const string RunShape = "Run";

    /// <summary>A discarded task-returning call: becomes <c>RunAsBackgroundProcess("name", ct => Call())</c>.</summary>
    public const string CallShape = "Call";

    /// <summary>A discarded <c>Call().ConfigureAwait(...)</c>: becomes <c>RunAsBackgroundProcess("name", ct => Call())</c>.</summary>
    public const string ConfiguredCallShape = "ConfiguredCall";

    private const string Inject = "inject a ContextFlow.Background.BackgroundProcesses (or a ContextFlow.Hosting.Server) and use its RunAsBackgroundProcess";

    // TaskContinuationOptions.OnlyOnFaulted: NotOnRanToCompletion | NotOnCanceled.
    private const int OnlyOnFaulted = 0x50000;

    public FireAndForgetAnalyzer()
        : base(Descriptors.FireAndForget)
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
        private readonly ImmutableHashSet<IMethodSymbol> _lifecycle = Lifecycle(compilation.Types);

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (Classify(invocation) is not var (what, shape) ||
                compilation.IsExempt(invocation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var targets = shape is null
                ? ImmutableArray<string>.Empty
                : compilation.BackgroundProcessTargets.Find(invocation, ContextBoundary.Enclosing(invocation, context.ContainingSymbol));
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.FireAndForget,
                invocation.OutermostConditionalAccess().Syntax.GetLocation(),
                Advice.Properties(targets, shape),
                what,
                shape is null ? Inject : Advice.Use(targets, "RunAsBackgroundProcess", Inject)));
        }

        /// <summary>What the invocation starts and the shape a fix rewrites (null: no fix); null when it is not the rule's.</summary>
        private (string What, string? Shape)? Classify(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (method.Name == "QueueUserWorkItem" && ContextFlowTypes.Is(type, _types.ThreadPool))
            {
                return ("ThreadPool.QueueUserWorkItem", null);
            }

            if (method.Name == "Start" && ContextFlowTypes.Is(type, _types.Thread))
            {
                return NeverJoined(invocation) ? ("Thread.Start", null) : null;
            }

            if (!invocation.IsDiscarded())
            {
                return null;
            }

            if (_types.IsConfiguredAwaitable(method.ReturnType) && method.Name == "ConfigureAwait" && _types.IsTaskLike(type))
            {
                // Discarding the awaitable discards the task: what is reported is the work that made it.
                if (invocation.Instance?.WalkDownConversions() is not IInvocationOperation work)
                {
                    return ("ConfigureAwait()", null); // an existing task's: no work of its own to move
                }

                return Classify(work, configured: true);
            }

            return _types.IsTaskLike(method.ReturnType) && compilation.AwaitedOverloads.ForExpressionBody(invocation.OutermostConditionalAccess()) is null
                ? Classify(invocation, configured: false)
                : null;
        }

        /// <summary>The shape of a discarded task-returning call, possibly behind <c>ConfigureAwait</c>.</summary>
        private (string What, string? Shape)? Classify(IInvocationOperation invocation, bool configured)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (method.Name == "Run" && ContextFlowTypes.Is(type, _types.Task))
            {
                return ("Task.Run", invocation.Arguments.Length == 1 && !configured ? RunShape : null);
            }

            if (method.Name == "StartNew" && (ContextFlowTypes.Is(type, _types.TaskFactory) || ContextFlowTypes.Is(type.OriginalDefinition, _types.TaskFactoryOfT)))
            {
                return ("Task.Factory.StartNew", null);
            }

            if (ContextFlowTypes.Is(type, _types.BackgroundProcesses) || IsContextFlowGenerated(method) || IsFaultObserver(invocation) ||
                _lifecycle.Contains(method.OriginalDefinition) || IsDelayedContinuation(invocation))
            {
                return null;
            }

            return (method.Name + "()", configured ? ConfiguredCallShape : CallShape);
        }

        /// <summary><c>Task.Delay(d).ContinueWith(...)</c>: CTX2002 reports it, with a fix to <c>clock.CallLater</c>.</summary>
        private bool IsDelayedContinuation(IInvocationOperation invocation) =>
            invocation.TargetMethod.Name == "ContinueWith" &&
            invocation.Instance?.WalkDownConversions() is IInvocationOperation { TargetMethod: { Name: "Delay" } delay } &&
            ContextFlowTypes.Is(delay.ContainingType, _types.Task);

        /// <summary>
        /// The lifecycle operations whose task may be let go: their owner tracks and bounds the work (a server's
        /// shutdown has its grace period, a host's waits for its servers') and the task never faults.
        /// </summary>
        private static ImmutableHashSet<IMethodSymbol> Lifecycle(ContextFlowTypes types)
        {
            var methods = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var (type, name, parameters) in new[]
            {
                (types.Server, "ShutdownAsync", 0), (types.Server, "DisposeAsync", 0),
                (types.ServerHost, "ShutdownAsync", 0), (types.ServerHost, "DisposeAsync", 0), (types.ServerHost, "DeprovisionAsync", 1),
            })
            {
                foreach (var member in type?.GetMembers(name) ?? ImmutableArray<ISymbol>.Empty)
                {
                    if (member is IMethodSymbol { DeclaredAccessibility: Accessibility.Public } method && method.Parameters.Length == parameters)
                    {
                        methods.Add(method);
                    }
                }
            }

            return methods.ToImmutable();
        }

        /// <summary>
        /// <c>task.ContinueWith(observer, ..., OnlyOnFaulted, ...)</c> on a task that already exists (a local, parameter,
        /// field or property): it only observes a fault of work already running, it starts none of its own. On a task
        /// made in the same expression (<c>DoAsync().ContinueWith(...)</c>) the started work is still fire-and-forget.
        /// </summary>
        private bool IsFaultObserver(IInvocationOperation invocation)
        {
            if (invocation.TargetMethod.Name != "ContinueWith" || !_types.IsTaskLike(invocation.TargetMethod.ContainingType) ||
                invocation.Instance?.WalkDownConversions() is not (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation))
            {
                return false;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type is { Name: "TaskContinuationOptions" } &&
                    argument.Value.WalkDownConversions().ConstantValue is { HasValue: true, Value: int options })
                {
                    return (options & OnlyOnFaulted) == OnlyOnFaulted;
                }
            }

            return false;
        }

        private bool IsContextFlowGenerated(IMethodSymbol method)
        {
            foreach (var attribute in method.GetAttributes())
            {
                if (ContextFlowTypes.Is(attribute.AttributeClass, _types.GeneratedCodeAttribute) &&
                    attribute.ConstructorArguments.Length > 0 &&
                    attribute.ConstructorArguments[0].Value is string tool && tool.StartsWith("ContextFlow", System.StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True for <c>new Thread(...).Start()</c> and for a local thread that the method never joins.</summary>
        private static bool NeverJoined(IInvocationOperation start)
        {
            var instance = start.Instance?.WalkDownConversions();
            if (instance is IObjectCreationOperation)
            {
                return true;
            }

            if (instance is not ILocalReferenceOperation local)
            {
                return false; // a thread kept in a member is joined by its owner
            }

            foreach (var operation in start.Root().Descendants())
            {
                if (operation is IInvocationOperation { TargetMethod.Name: "Join", Instance: { } joined } && joined.IsReferenceTo(local.Local))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
