using System;
using System.Threading;
using Serilog;

namespace ContextFlow;

/// <summary>
/// A named unit of application work (a request, a background process, a timer callback) that every log line,
/// metric and span produced under it is attributed to, together with the server it belongs to and the
/// resources it used.
/// </summary>
/// <remarks>
/// <para>
/// A context becomes current only through a scope: <see cref="Enter"/> (which finishes the context when the scope
/// is disposed) or <see cref="Preserve"/> (which switches without finishing). Disposing a scope restores exactly
/// what it replaced. Outside any scope <see cref="Current"/> is the <see cref="Sentinel"/>.
/// </para>
/// <para>
/// The current context flows with the <see cref="ExecutionContext"/>: into awaits, and out of an async method
/// never. A synchronous method that enters a context without disposing the scope leaks it into its caller;
/// analyzer rule CTX1001 makes that a compile error.
/// </para>
/// <para>Instances are thread-safe: usage may be recorded from any number of threads at once.</para>
/// </remarks>
/// <example>
/// <code>
/// var request = new LoggingContext("GET-42", "tenant-a.example");
/// using (request.Enter())
/// {
///     await HandleAsync();          // every log line carries ServerName = tenant-a.example, Request = GET-42
/// }
/// </code>
/// </example>
public sealed partial class LoggingContext
{
    internal const string SentinelName = "sentinel";
    internal const string SentinelServerName = "unknown_server_from_sentinel_context";

    private volatile bool _finished;

    /// <summary>Creates a context; it is not current until entered.</summary>
    /// <param name="name">What the work is, e.g. <c>"GET-42"</c>; appears as <c>Request</c> in logs.</param>
    /// <param name="serverName">The server (tenant) the work belongs to.</param>
    /// <param name="parent">The context whose usage also includes this one's; <see langword="null"/> for a root.</param>
    /// <param name="request">Request details; when <see langword="null"/>, the parent's are inherited.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="serverName"/> is null or empty.</exception>
    /// <exception cref="ArgumentException"><paramref name="parent"/> is the sentinel, which cannot be a parent.</exception>
    public LoggingContext(string name, string serverName, LoggingContext? parent = null, RequestInfo? request = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        if (parent is { IsSentinel: true })
        {
            throw new ArgumentException("The sentinel context cannot be a parent: nothing is ever charged to it.", nameof(parent));
        }

        Name = name;
        ServerName = serverName;
        Parent = parent;
        Request = request ?? parent?.Request;
    }

    private LoggingContext()
    {
        Name = SentinelName;
        ServerName = SentinelServerName;
        IsSentinel = true;
    }

    /// <summary>
    /// The context of "no application work": runtime plumbing and foreign callbacks before they enter our code.
    /// Nothing is ever charged to it.
    /// </summary>
    public static LoggingContext Sentinel { get; } = new();

    /// <summary>What the work is; appears as <c>Request</c> in log events.</summary>
    public string Name { get; }

    /// <summary>The server (tenant) the work belongs to.</summary>
    public string ServerName { get; }

    /// <summary>The context this one's usage rolls up into, if any.</summary>
    public LoggingContext? Parent { get; }

    /// <summary>Request details, inherited from the parent unless given at construction.</summary>
    public RequestInfo? Request { get; }

    /// <summary>Whether this is <see cref="Sentinel"/>.</summary>
    public bool IsSentinel { get; }

    /// <summary>Whether a scope from <see cref="Enter"/> has been disposed. A finished context can still record usage.</summary>
    public bool IsFinished => _finished;

    /// <summary>The hook every context-misuse report goes through.</summary>
    public static LoggingContextErrors Errors { get; } = new();

    /// <summary>
    /// Whether each thread's CPU time is charged to the context current on it (off by default). When off, a
    /// context switch makes no system call. Supported on Linux and Windows; elsewhere it stays off.
    /// Set it at start-up: segments that were open when it changes are not charged.
    /// </summary>
    public static bool TrackCpuTime
    {
        get => CpuTracker.Enabled;
        set => CpuTracker.SetEnabled(value);
    }

    /// <summary>
    /// Creates (without entering) a child context named <c>"{Name}-{suffix}"</c> of the same server.
    /// From the sentinel it logs a warning and returns a context with no parent, since the usage has nowhere to go.
    /// </summary>
    /// <remarks>
    /// Names grow with depth, as in the reference (a log line names the whole chain), and recording usage adds it to
    /// every ancestor at once, so both cost O(depth): nest per unit of work (a request, its database calls), not per
    /// iteration of a loop.
    /// </remarks>
    /// <param name="suffix">What distinguishes the child, e.g. <c>"db"</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="suffix"/> is null or empty.</exception>
    public LoggingContext CreateNested(string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(suffix);
        if (IsSentinel)
        {
            Log.ForContext<LoggingContext>().Warning("Starting nested logging context from sentinel context: metrics will be lost");
            return new LoggingContext($"{Name}-{suffix}", ServerName);
        }

        return new LoggingContext($"{Name}-{suffix}", ServerName, this);
    }

    /// <summary>
    /// Makes this context current until the returned scope is disposed, which restores what was current before
    /// and marks this context finished. Entering a finished context is reported through <see cref="Errors"/>.
    /// </summary>
    /// <returns>The scope; dispose it with <c>using</c> (CTX1001).</returns>
    public LoggingContextScope Enter()
    {
        var finished = _finished;
        if (finished)
        {
            Errors.Report($"Re-starting finished log context {Name}");
        }

        return LoggingContextScope.Switch(this, finishOnExit: true, enteredWasFinished: finished);
    }

    /// <summary>
    /// Switches to <paramref name="context"/> (the sentinel by default) until the returned scope is disposed,
    /// without finishing anything: the way to step out of the current context around foreign work.
    /// </summary>
    /// <param name="context">The context to make current; <see langword="null"/> means the sentinel.</param>
    /// <returns>The scope; dispose it with <c>using</c> (CTX1001).</returns>
    public static LoggingContextScope Preserve(LoggingContext? context = null) =>
        LoggingContextScope.Switch(context ?? Sentinel, finishOnExit: false);

    internal void MarkFinished() => _finished = !IsSentinel;

    /// <summary>Returns the name.</summary>
    public override string ToString() => Name;
}
