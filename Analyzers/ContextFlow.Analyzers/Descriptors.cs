using Microsoft.CodeAnalysis;

namespace ContextFlow.Analyzers;

/// <summary>Every <see cref="DiagnosticDescriptor"/> of the analyzers (CTX1xxx–CTX3xxx), named by its rule's stem.</summary>
public static class Descriptors
{
    private const string ContextCategory = DescriptorFactory.ContextCategory;
    private const string TimeCategory = DescriptorFactory.TimeCategory;
    private const string BackgroundCategory = DescriptorFactory.BackgroundCategory;

    public static readonly DiagnosticDescriptor ContextBoundaryWithoutReason = Create(
        DiagnosticIds.ContextBoundaryWithoutReason,
        ContextCategory,
        "A [ContextBoundary] must give its reason",
        "The [ContextBoundary] on '{0}' gives no reason; say why this code must step outside the context rules",
        "[ContextBoundary] silences the context and time rules; the reason is what a reviewer reads to accept that.");

    public static readonly DiagnosticDescriptor UndisposedScope = Create(
        DiagnosticIds.UndisposedScope,
        ContextCategory,
        "Dispose every LoggingContextScope with 'using'",
        "The LoggingContextScope returned by '{0}' is not disposed; declare it with 'using' so the previous context is restored",
        "A scope that is never disposed leaves its context current after the caller returns, so later log lines and usage are charged to the wrong request.");

    public static readonly DiagnosticDescriptor SentinelApi = Create(
        DiagnosticIds.SentinelApi,
        ContextCategory,
        "Do not suppress ExecutionContext flow outside a context boundary",
        "'{0}' runs work without the caller's ExecutionContext, in the sentinel context; {1}",
        "ExecutionContext.SuppressFlow and the Unsafe* APIs start work with no logging context: its logs, metrics and usage are lost.");

    public static readonly DiagnosticDescriptor RawTimer = Create(
        DiagnosticIds.RawTimer,
        TimeCategory,
        "Schedule through the server's Clock, not a raw timer",
        "'{0}' creates a raw timer whose callbacks escape the logging context and the server's shutdown; {1}",
        "A raw timer captures whatever context is current, tests cannot control it, and shutdown cannot cancel it.");

    public static readonly DiagnosticDescriptor RawDelay = Create(
        DiagnosticIds.RawDelay,
        TimeCategory,
        "Wait through the server's Clock, not a raw delay",
        "'{0}' is a raw delay that tests cannot control and shutdown cannot cancel; {1}",
        "Task.Delay and Thread.Sleep bypass the server's TimeProvider, so tests cannot advance them and shutdown cannot cancel them.");

    public static readonly DiagnosticDescriptor RawLifetimeCallback = Create(
        DiagnosticIds.RawLifetimeCallback,
        TimeCategory,
        "Register startup and shutdown callbacks through the server",
        "'{0}' registers a raw lifetime callback that runs outside any logging context; {1}",
        "Host lifetime callbacks run in whatever context registered them and ignore the server's own lifecycle.");

    public static readonly DiagnosticDescriptor ClockOutsideServer = Create(
        DiagnosticIds.ClockOutsideServer,
        TimeCategory,
        "Construct a Clock only inside a Server",
        "A Clock is constructed outside a Server; use the server's Clock, or mark the owner [ContextBoundary(\"why\")] if it owns the clock of a server",
        "One clock per server is what lets the server's shutdown cancel every delayed and looping call.");

    public static readonly DiagnosticDescriptor FireAndForget = Create(
        DiagnosticIds.FireAndForget,
        BackgroundCategory,
        "Run fire-and-forget work as a background process",
        "'{0}' starts work that nobody awaits, in the caller's context; {1}",
        "Unobserved work inherits the caller's context, outlives it, hides its exceptions and is not awaited on shutdown.");

    public static readonly DiagnosticDescriptor AsyncVoidCallback = Create(
        DiagnosticIds.AsyncVoidCallback,
        BackgroundCategory,
        "Pass async callbacks to the overload that awaits them",
        "'{0}' takes {1} as its '{2}' parameter, so nobody awaits the work and its failure goes unobserved; {3}",
        "An async lambda converted to a void delegate such as Action is async void: the caller goes on at its first await, nothing observes its exception, and a shutdown handler registered this way is not waited for. The overload of the same method that takes a Func<..., Task> awaits or observes the task.");

    private static DiagnosticDescriptor Create(string id, string category, string title, string message, string description) =>
        DescriptorFactory.Create(id, category, title, message, description);
}
