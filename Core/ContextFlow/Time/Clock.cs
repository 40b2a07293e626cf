using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

/// <summary>
/// The one source of time and scheduling of a server: delayed calls, looping calls, start-up callbacks and sleeps,
/// over an injected <see cref="System.TimeProvider"/> so tests control time, and all cancellable at
/// <see cref="Shutdown"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every callback runs in a <b>fresh</b> context with no parent, named <c>"call_later"</c>, <c>"looping_call"</c> or
/// <c>"call_when_running"</c> and carrying <see cref="ServerName"/>. None of the scheduler's AsyncLocals reach it (not
/// its <see cref="LoggingContext"/>, not <c>Activity.Current</c>, not logger scopes): timers are created with
/// execution-context flow suppressed, and each callback starts from an empty execution context even when the
/// provider calls it inline (as FakeTimeProvider does on the thread calling <c>Advance</c>). Likewise a callback starts
/// without a <see cref="SynchronizationContext"/>, and one it sets does not outlive it on the thread that ran it.
/// </para>
/// <para>
/// A timer callback that does not find the sentinel current when it starts reports it through
/// <see cref="LoggingContext.Errors"/>: some earlier work leaked its context onto the timer thread (with an inline
/// provider, the thread driving time must itself be in the sentinel). Exceptions thrown by callbacks are logged, never
/// thrown on a timer thread.
/// </para>
/// <para>
/// <b>Delays.</b> Any non-negative delay is accepted, up to <see cref="TimeSpan.MaxValue"/>: delays beyond what one
/// provider timer allows (4,294,967,294 ms, about 49.7 days) are waited for in steps measured on the provider's
/// monotonic timestamp. <see cref="SleepAsync"/> also takes <see cref="Timeout.InfiniteTimeSpan"/> (wait until
/// cancelled); <see cref="CallLater(TimeSpan, Action, bool)"/> and the looping calls do not.
/// </para>
/// <para>
/// <b>Shutdown.</b> Once <see cref="Shutdown"/> returns, no callback of the clock starts or is still running on another
/// thread; see <see cref="Shutdown"/> for exactly what that covers.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
/// <example>
/// <code>
/// var clock = new Clock(TimeProvider.System, "tenant-a.example");
/// var prune = clock.LoopingCall(TimeSpan.FromSeconds(15), () => PruneAsync());  // context "looping_call"
/// clock.CallLater(TimeSpan.FromMinutes(1), () => Log.Information("later"));     // context "call_later"
/// await clock.SleepAsync(TimeSpan.FromSeconds(1));                              // resumes in the caller's context
/// clock.Shutdown();                                                             // cancels both
/// </code>
/// </example>
public sealed partial class Clock
{
    internal const string CallLaterName = "call_later";
    internal const string LoopingCallName = "looping_call";
    internal const string CallWhenRunningName = "call_when_running";

    private readonly object _gate = new();
    private readonly TrackedCalls _delayedCalls = new();
    private readonly HashSet<LoopingCallRunner> _loopingCalls = new();
    private readonly RunningSignal _running;
    private bool _isShutdown;

    /// <summary>Creates the clock of one server.</summary>
    /// <param name="timeProvider">Where time comes from: <see cref="TimeProvider.System"/>, or a fake in tests.</param>
    /// <param name="serverName">The server every callback's context is attributed to.</param>
    /// <param name="running">When the process counts as running for <see cref="CallWhenRunning(Action)"/>; <see cref="RunningSignal.Process"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="serverName"/> is null or empty.</exception>
    public Clock(TimeProvider timeProvider, string serverName, RunningSignal? running = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        TimeProvider = timeProvider;
        ServerName = serverName;
        _running = running ?? RunningSignal.Process;
    }

    /// <summary>The server this clock schedules for.</summary>
    public string ServerName { get; }

    // Internal: a public provider would be a way around the Clock (its CreateTimer escapes the context rules and
    // shutdown). What callers need of it, the time and elapsed time, the members below give.
    internal TimeProvider TimeProvider { get; }

    /// <summary>The current time.</summary>
    public DateTimeOffset UtcNow => TimeProvider.GetUtcNow();

    /// <summary>The current time in milliseconds since the Unix epoch.</summary>
    public long TimeMsec => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A high-resolution monotonic timestamp, for measuring elapsed time with <see cref="GetElapsedTime(long)"/>.</summary>
    /// <returns>The timestamp of the clock's time provider (so a fake provider in tests moves it).</returns>
    /// <example>
    /// <code>
    /// var start = clock.GetTimestamp();
    /// await SendAsync();
    /// var duration = clock.GetElapsedTime(start);
    /// </code>
    /// </example>
    public long GetTimestamp() => TimeProvider.GetTimestamp();

    /// <summary>The time elapsed since <paramref name="startingTimestamp"/>, a value of <see cref="GetTimestamp"/>.</summary>
    /// <param name="startingTimestamp">A timestamp this clock returned.</param>
    /// <returns>The elapsed time on the clock's time provider.</returns>
    public TimeSpan GetElapsedTime(long startingTimestamp) => TimeProvider.GetElapsedTime(startingTimestamp);

    /// <summary>The time elapsed between two values of <see cref="GetTimestamp"/>.</summary>
    /// <param name="startingTimestamp">The earlier timestamp.</param>
    /// <param name="endingTimestamp">The later timestamp.</param>
    /// <returns>The elapsed time on the clock's time provider.</returns>
    public TimeSpan GetElapsedTime(long startingTimestamp, long endingTimestamp) =>
        TimeProvider.GetElapsedTime(startingTimestamp, endingTimestamp);

    // Whether Shutdown has been called. Internal: a caller that checks it before scheduling still races with Shutdown;
    // scheduling after Shutdown throws, which is the answer that cannot be stale.
    internal bool IsShutdown
    {
        get
        {
            lock (_gate)
            {
                return _isShutdown;
            }
        }
    }

    /// <summary>The delayed calls that shutdown would cancel (tracked and still pending).</summary>
    internal int TrackedDelayedCallCount
    {
        get
        {
            lock (_gate)
            {
                return _delayedCalls.Count;
            }
        }
    }

    /// <summary>The looping calls that shutdown would stop.</summary>
    internal int TrackedLoopingCallCount
    {
        get
        {
            lock (_gate)
            {
                return _loopingCalls.Count;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="callback"/> once after <paramref name="delay"/>, in a fresh <c>"call_later"</c> context.
    /// A zero delay runs it on a later turn of the timer, never inline.
    /// </summary>
    /// <param name="delay">How long to wait: zero or more, up to <see cref="TimeSpan.MaxValue"/>.</param>
    /// <param name="callback">What to run; an exception it throws is logged.</param>
    /// <param name="cancelOnShutdown">Whether <see cref="Shutdown"/> cancels the call (the default). Untracked calls suit
    /// short, hot timers that must run even during shutdown.</param>
    /// <returns>A handle to cancel the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative (including <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="InvalidOperationException">The clock has been shut down.</exception>
    public IDelayedCall CallLater(TimeSpan delay, Action callback, bool cancelOnShutdown = true) =>
        CallLaterCore(delay, callback, cancelOnShutdown);

    /// <summary>
    /// Starts <paramref name="callback"/> once after <paramref name="delay"/>, in a fresh <c>"call_later"</c> context
    /// that its continuations keep. A failure of the returned task is logged.
    /// </summary>
    /// <inheritdoc cref="CallLater(TimeSpan, Action, bool)"/>
    public IDelayedCall CallLater(TimeSpan delay, Func<Task> callback, bool cancelOnShutdown = true) =>
        CallLaterCore(delay, callback, cancelOnShutdown);

    /// <summary>
    /// Runs <paramref name="callback"/> every <paramref name="interval"/>, the first time one interval from now, each
    /// run in a fresh <c>"looping_call"</c> context. A run that is still going when the next is due delays it: runs
    /// never overlap, and ticks missed meanwhile are skipped (the next run is on the grid <c>start + k * interval</c>).
    /// The first run that throws or whose task fails stops the loop and is logged as <c>"Looping call died"</c>.
    /// </summary>
    /// <param name="interval">The time between runs: positive, up to <see cref="TimeSpan.MaxValue"/>.</param>
    /// <param name="callback">What to run; the next run waits for its task.</param>
    /// <returns>A handle to stop the loop.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The clock has been shut down.</exception>
    public ILoopingCall LoopingCall(TimeSpan interval, Func<Task> callback) => LoopingCallCore(interval, callback, runNow: false);

    /// <inheritdoc cref="LoopingCall(TimeSpan, Func{Task})"/>
    public ILoopingCall LoopingCall(TimeSpan interval, Action callback) => LoopingCallCore(interval, callback, runNow: false);

    /// <summary>
    /// Like <see cref="LoopingCall(TimeSpan, Func{Task})"/>, but the first run starts at once, on the calling thread,
    /// in its own fresh <c>"looping_call"</c> context (the caller's context is untouched).
    /// </summary>
    /// <inheritdoc cref="LoopingCall(TimeSpan, Func{Task})"/>
    public ILoopingCall LoopingCallNow(TimeSpan interval, Func<Task> callback) => LoopingCallCore(interval, callback, runNow: true);

    /// <inheritdoc cref="LoopingCallNow(TimeSpan, Func{Task})"/>
    public ILoopingCall LoopingCallNow(TimeSpan interval, Action callback) => LoopingCallCore(interval, callback, runNow: true);

    /// <summary>
    /// Runs <paramref name="callback"/> in a fresh <c>"call_when_running"</c> context once the process is running
    /// (see <see cref="RunningSignal"/>): at once, on the calling thread, if it already is. An exception it throws is
    /// logged. Callbacks still waiting when the clock shuts down are dropped.
    /// </summary>
    /// <param name="callback">What to run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The clock has been shut down.</exception>
    public void CallWhenRunning(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            // One step with respect to Shutdown: a callback is either queued before Shutdown drops the queue, or
            // admitted to run now, or refused.
            if (_isShutdown)
            {
                throw ShutDownError("start call when running");
            }

            if (_running.TryAdd(this, callback))
            {
                return;
            }

            Interlocked.Increment(ref _inFlight);
        }

        RunAdmitted(s_runWhenRunning, (this, callback));
    }
}
