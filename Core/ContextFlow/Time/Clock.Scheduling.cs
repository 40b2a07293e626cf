using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

public sealed partial class Clock
{
    // A zero delay still goes through the timer (a later turn, as with Twisted's callLater(0)); one tick keeps an
    // inline provider from running the callback inside CallLater, on the caller's thread and in its context.
    private static readonly TimeSpan s_minimumDelay = TimeSpan.FromTicks(1);

    private static readonly ContextCallback s_runWhenRunning = static s =>
    {
        var (clock, callback) = ((Clock, Action))s!;
        var context = FreshContext.Switch(CallWhenRunningName, clock.ServerName);
        try
        {
            callback();
        }
        catch (Exception ex)
        {
            FreshContext.LogFailure(ex, CallWhenRunningName);
        }

        FreshContext.CheckStillCurrent(context);
    };

    /// <summary>
    /// Waits for <paramref name="delay"/> and resumes in the caller's context. A zero delay still yields: the caller
    /// continues on a later turn of the thread pool, never synchronously. <see cref="Shutdown"/> ends a pending sleep
    /// as cancelled, and after it a sleep is cancelled at once, so code that sleeps in a loop stops with the clock.
    /// </summary>
    /// <param name="delay">How long to wait: zero or more, up to <see cref="TimeSpan.MaxValue"/>, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait until cancelled.</param>
    /// <param name="cancellationToken">Cancels the wait; the task then ends cancelled.</param>
    /// <returns>A task that completes after the delay, or ends cancelled (token or shutdown).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public Task SleepAsync(TimeSpan delay, CancellationToken cancellationToken = default) =>
        Sleep(delay, cancellationToken, tracked: true);

    /// <summary>
    /// Like <see cref="SleepAsync"/>, but neither ended by <see cref="Shutdown"/> nor refused after it: for the waits
    /// that shutdown itself measures (a grace period).
    /// </summary>
    internal Task DelayUntrackedAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        Sleep(delay, cancellationToken, tracked: false);

    /// <summary>
    /// Starts <paramref name="callback"/> in a fresh <c>"call_when_running"</c> context once the process is running, as
    /// <see cref="CallWhenRunning(Action)"/> does, and lets its continuations keep that context. A failure of the
    /// returned task is logged, as an exception the callback throws is. Neither the clock nor its
    /// <see cref="Shutdown"/> waits for the task; work that shutdown must wait for belongs in a background process.
    /// </summary>
    /// <remarks>
    /// An async lambda binds this overload (<c>clock.CallWhenRunning(async () => await WarmUpAsync())</c>); with only
    /// the <see cref="Action"/> overload it would be an <c>async void</c> callback whose failure nobody sees.
    /// </remarks>
    /// <param name="callback">What to start.</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The clock has been shut down.</exception>
    public void CallWhenRunning(Func<Task> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CallWhenRunning(() => FreshContext.ObserveFailure(callback() ?? Task.CompletedTask, CallWhenRunningName));
    }

    internal void RunWhenRunningCallback(Action callback)
    {
        if (TryAdmit())
        {
            RunAdmitted(s_runWhenRunning, (this, callback));
        }
    }

    private Task Sleep(TimeSpan delay, CancellationToken cancellationToken, bool tracked)
    {
        Delays.Check(delay, infiniteAllowed: true);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (tracked && IsShutdown)
        {
            return Task.FromCanceled(new CancellationToken(canceled: true));
        }

        if (delay == TimeSpan.Zero)
        {
            return YieldAsync(cancellationToken);
        }

        var sleep = new SleepPromise(cancellationToken);
        var call = Schedule(delay, sleep, tracked, throwIfShutdown: false);
        if (call is null)
        {
            return Task.FromCanceled(new CancellationToken(canceled: true));
        }

        sleep.Watch(call);
        return sleep.Task;
    }

    private static async Task YieldAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private DelayedCall CallLaterCore(TimeSpan delay, object callback, bool cancelOnShutdown)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Delays.Check(delay, infiniteAllowed: false);
        return Schedule(delay, callback, cancelOnShutdown, throwIfShutdown: true)!;
    }

    /// <summary>Tracks (if asked) and arms a delayed call; <see langword="null"/> after shutdown unless it throws.</summary>
    private DelayedCall? Schedule(TimeSpan delay, object callback, bool tracked, bool throwIfShutdown)
    {
        if (delay < s_minimumDelay && !Delays.IsInfinite(delay))
        {
            delay = s_minimumDelay;
        }

        var call = new DelayedCall(this, callback, tracked);
        lock (_gate)
        {
            if (_isShutdown && (tracked || throwIfShutdown))
            {
                return throwIfShutdown ? throw ShutDownError("start delayed call") : null;
            }

            if (tracked)
            {
                _delayedCalls.Link(call);
            }
        }

        try
        {
            call.Start(delay);
        }
        catch
        {
            call.Cancel();
            throw;
        }

        return call;
    }

    private LoopingCallRunner LoopingCallCore(TimeSpan interval, object callback, bool runNow)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var loop = new LoopingCallRunner(this, interval, callback);
        lock (_gate)
        {
            if (_isShutdown)
            {
                throw ShutDownError("start looping call");
            }

            _loopingCalls.Add(loop);
            if (runNow)
            {
                // Registration and admission of the first run are one step with respect to Shutdown.
                Interlocked.Increment(ref _inFlight);
            }
        }

        loop.Start(runNow);
        return loop;
    }

    /// <summary>Creates an armed one-shot timer that captures none of the caller's AsyncLocals.</summary>
    /// <remarks>
    /// A provider other than <see cref="TimeProvider.System"/> may run due callbacks inline, on the thread creating a
    /// timer (FakeTimeProvider does, for whatever is due when a timer is added). That thread is then the provider's
    /// timer thread for a moment, so it creates the timer from the sentinel: a callback run there starts as it would on
    /// a real timer thread, and is not reported as having inherited the context of whoever happened to schedule.
    /// </remarks>
    internal ITimer CreateTimer(TimerCallback callback, object state, TimeSpan dueTime)
    {
        if (ReferenceEquals(TimeProvider, TimeProvider.System))
        {
            return CreateTimerWithoutFlow(callback, state, dueTime);
        }

        var request = new TimerRequest(this, callback, state, dueTime);
        FreshContext.Run(static r => ((TimerRequest)r!).Create(), request);
        return request.Timer!;
    }

    [ContextBoundary("The one place the Clock creates raw timers: flow is suppressed so callbacks never see the scheduler's context")]
    private ITimer CreateTimerWithoutFlow(TimerCallback callback, object state, TimeSpan dueTime)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return TimeProvider.CreateTimer(callback, state, dueTime, Timeout.InfiniteTimeSpan);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return TimeProvider.CreateTimer(callback, state, dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private InvalidOperationException ShutDownError(string what) =>
        new($"Cannot {what}: server '{ServerName}' has been shut down");

    internal void Untrack(DelayedCall call)
    {
        lock (_gate)
        {
            _delayedCalls.Unlink(call);
        }
    }

    /// <summary>
    /// For a tracked call that has just fired: stops tracking it and, with <paramref name="admit"/>, admits its callback.
    /// <see langword="false"/> once the clock is shutting down, in which case the callback must not start.
    /// </summary>
    internal bool UntrackAndAdmit(DelayedCall call, bool admit)
    {
        lock (_gate)
        {
            if (_isShutdown)
            {
                return false;
            }

            _delayedCalls.Unlink(call);
            if (admit)
            {
                Interlocked.Increment(ref _inFlight);
            }

            return true;
        }
    }

    internal void Untrack(LoopingCallRunner loop)
    {
        lock (_gate)
        {
            _loopingCalls.Remove(loop);
        }
    }

    /// <summary>A timer to create from the empty execution context (see <see cref="CreateTimer"/>).</summary>
    private sealed class TimerRequest(Clock clock, TimerCallback callback, object state, TimeSpan dueTime)
    {
        public ITimer? Timer { get; private set; }

        public void Create() => Timer = clock.CreateTimerWithoutFlow(callback, state, dueTime);
    }
}
