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
    /// continues on a later turn of the thread pool, never synchronously. The wait is not cancelled by
    /// <see cref="Shutdown"/>; pass a token for that.
    /// </summary>
    /// <param name="delay">How long to wait; not negative.</param>
    /// <param name="cancellationToken">Cancels the wait; the task then ends cancelled.</param>
    /// <returns>A task that completes after the delay.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public Task SleepAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (delay == TimeSpan.Zero)
        {
            return YieldAsync(cancellationToken);
        }

        var sleep = new SleepPromise(cancellationToken);
        sleep.Start(CreateTimer(SleepPromise.TimerCallback, sleep, Timeout.InfiniteTimeSpan), delay);
        return sleep.Task;
    }

    internal void RunWhenRunningCallback(Action callback) => FreshContext.Run(s_runWhenRunning, (this, callback));

    private static async Task YieldAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private DelayedCall CallLaterCore(TimeSpan delay, object callback, bool cancelOnShutdown)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        if (delay < s_minimumDelay)
        {
            delay = s_minimumDelay;
        }

        var call = new DelayedCall(this, callback, cancelOnShutdown);
        lock (_gate)
        {
            if (_isShutdown)
            {
                throw new InvalidOperationException("Cannot start delayed call. Clock has been shutdown");
            }

            if (cancelOnShutdown)
            {
                Link(call);
            }
        }

        try
        {
            call.Attach(CreateTimer(DelayedCall.TimerCallback, call, delay));
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
                throw new InvalidOperationException("Cannot start looping call. Clock has been shutdown");
            }

            _loopingCalls.Add(loop);
        }

        try
        {
            loop.Start(CreateTimer(LoopingCallRunner.TimerCallback, loop, Timeout.InfiniteTimeSpan), runNow);
        }
        catch
        {
            loop.Stop();
            throw;
        }

        return loop;
    }

    /// <summary>Creates a one-shot timer (disarmed for an infinite due time) that captures none of the caller's AsyncLocals.</summary>
    [ContextBoundary("The one place the Clock creates raw timers: flow is suppressed so callbacks never see the scheduler's context")]
    private ITimer CreateTimer(TimerCallback callback, object state, TimeSpan dueTime)
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
}
