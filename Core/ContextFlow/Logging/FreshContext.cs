using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow;

/// <summary>
/// How work that outlives its caller starts: from an empty <see cref="ExecutionContext"/> (no AsyncLocal of anyone's,
/// so no caller context, no <c>Activity.Current</c>, no logger scope), in a new named context of the owning server.
/// </summary>
/// <remarks>
/// <para>
/// Timers are created with flow suppressed, so a <see cref="TimeProvider.System"/> callback already starts on a
/// thread-pool thread with the empty context. A provider that calls back inline (FakeTimeProvider runs due callbacks
/// on the thread calling <c>Advance</c>, with that thread's AsyncLocals) does not, so every callback switches to the
/// empty context itself with <see cref="ExecutionContext.Run"/>, which also restores the calling thread's context
/// afterwards: nothing leaks in, nothing leaks out.
/// </para>
/// <para>
/// The leak check (<see cref="ReportIfNotSentinel"/>) looks at what the callback sees <em>before</em> that switch,
/// because after it the answer is always "sentinel". For a real timer that is the pool thread's context, which is the
/// sentinel unless some earlier work on that thread leaked its context. For an inline provider it is the context of
/// the thread driving time, which plays the role of the timer thread: it must be the sentinel too, so advancing fake
/// time from inside a context is reported just like a leak.
/// </para>
/// </remarks>
internal static class FreshContext
{
    private static readonly ExecutionContext s_empty = CaptureEmpty();

    /// <summary>
    /// Runs <paramref name="body"/> from the empty execution context and without a synchronization context, and puts
    /// the caller's back afterwards, whatever the body left behind.
    /// </summary>
    [ContextBoundary("Where clock callbacks and background processes leave whatever context they were called in")]
    public static void Run(ContextCallback body, object state)
    {
        // A caller's synchronization context (a UI's, a test framework's, one set by an earlier callback) would pull
        // the callback's continuations back to it, and one the callback sets must not stay on the thread that ran it
        // (the thread advancing fake time, or calling LoopingCallNow).
        var synchronizationContext = SynchronizationContext.Current;
        if (synchronizationContext is not null)
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }

        try
        {
            if (ReferenceEquals(ExecutionContext.Capture(), s_empty))
            {
                // Already empty (a flow-suppressed timer on a pool thread, the common case): skip Run's bookkeeping
                // and just put the empty context back, whatever the body left behind.
                try
                {
                    body(state);
                }
                finally
                {
                    ExecutionContext.Restore(s_empty);
                }
            }
            else
            {
                ExecutionContext.Run(s_empty, body, state);
            }
        }
        finally
        {
            if (!ReferenceEquals(SynchronizationContext.Current, synchronizationContext))
            {
                SynchronizationContext.SetSynchronizationContext(synchronizationContext);
            }
        }
    }

    /// <summary>
    /// Makes a new context current inside <see cref="Run"/>. No scope is needed: leaving <see cref="Run"/>
    /// reinstates the context from before, so this only has to check nothing replaced it (see <see cref="CheckStillCurrent"/>).
    /// </summary>
    public static LoggingContext Switch(string name, string serverName)
    {
        var context = new LoggingContext(name, serverName);
        LoggingContext.SetCurrent(context);
        return context;
    }

    /// <summary>Reports a callback that left another context current, as disposing a scope would.</summary>
    public static void CheckStillCurrent(LoggingContext expected)
    {
        var found = LoggingContext.Current;
        if (!ReferenceEquals(found, expected))
        {
            SafeReport(found.IsSentinel
                ? $"Expected logging context {expected} was lost"
                : $"Expected logging context {expected} but found {found}");
        }
    }

    /// <summary>Reports through <see cref="LoggingContext.Errors"/> when a timer callback does not start in the sentinel.</summary>
    public static void ReportIfNotSentinel(string kind)
    {
        if (LoggingContext.CurrentOrNull is not { } found)
        {
            return;
        }

        SafeReport(
            $"Expected `{kind}` callback from the timer to start with the sentinel logging context but saw {found}. " +
            "In other words, another task shouldn't have leaked its logging context to us.");
    }

    /// <summary>Logs the failure of a callback's task, once it completes, in the context the callback ran in.</summary>
    [ContextBoundary("Attaches the failure log to a callback's task; the continuation runs in the callback's own fresh context")]
    public static void ObserveFailure(Task task, string kind)
    {
        if (task.IsCompleted)
        {
            LogIfFailed(task, kind);
            return;
        }

        task.ContinueWith(
            static (t, k) => LogIfFailed(t, (string)k!),
            kind,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public static void LogFailure(Exception exception, string kind) =>
        Log.ForContext(typeof(Clock)).Error(exception, "Unhandled exception in {Kind} callback", kind);

    private static void LogIfFailed(Task task, string kind)
    {
        if (task.IsFaulted)
        {
            LogFailure(task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception, kind);
        }
        else if (task.IsCanceled)
        {
            Log.ForContext(typeof(Clock)).Debug("{Kind} callback was cancelled", kind);
        }
    }

    private static void SafeReport(string message)
    {
        try
        {
            LoggingContext.Errors.Report(message);
        }
        catch (Exception ex)
        {
            // A throwing handler must not take down the timer thread.
            Log.ForContext(typeof(Clock)).Error(ex, "The logging-context error handler threw");
        }
    }

    [ContextBoundary("Captures the empty ExecutionContext on a thread that never had one; every callback starts from it")]
    private static ExecutionContext CaptureEmpty()
    {
        ExecutionContext? empty = null;
        var thread = new Thread(() => empty = ExecutionContext.Capture()) { IsBackground = true, Name = "ContextFlow.FreshContext" };
        thread.UnsafeStart();
        thread.Join();
        return empty ?? throw new InvalidOperationException("A new thread had no execution context to capture.");
    }
}
