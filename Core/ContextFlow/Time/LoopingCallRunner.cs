using System;
using System.Threading;
using System.Threading.Tasks;
using Serilog;

namespace ContextFlow.Time;

/// <summary>
/// One looping call, with the semantics of Twisted's <c>LoopingCall</c>: the next run is scheduled only once the
/// previous run's task has completed (never overlapping), on the grid <c>start + k * interval</c> (missed ticks are
/// skipped, not queued), and the first failure stops the loop for good.
/// </summary>
internal sealed class LoopingCallRunner : ILoopingCall
{
    private static readonly TimerCallback s_onTimer = static s => ((LoopingCallRunner)s!).OnTimer();
    private static readonly ContextCallback s_runFresh = static s => ((LoopingCallRunner)s!).RunFresh();
    private static readonly Action<Task, object?> s_onRunCompleted = static (t, s) => ((LoopingCallRunner)s!).OnRunCompleted(t);

    private readonly Clock _clock;
    private readonly object _callback;
    private readonly long _startTimestamp;
    private readonly object _gate = new();
    private ITimer? _timer;
    private bool _running = true;

    public LoopingCallRunner(Clock clock, TimeSpan interval, object callback)
    {
        _clock = clock;
        Interval = interval;
        _callback = callback;
        _startTimestamp = clock.TimeProvider.GetTimestamp();
    }

    public TimeSpan Interval { get; }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    internal static TimerCallback TimerCallback => s_onTimer;

    /// <summary>Takes the (disarmed) timer; with <paramref name="runNow"/> runs once on the calling thread first.</summary>
    public void Start(ITimer timer, bool runNow)
    {
        lock (_gate)
        {
            _timer = timer;
        }

        if (runNow)
        {
            // The caller's thread is legitimately in some context here, so no sentinel check: just start fresh.
            FreshContext.Run(s_runFresh, this);
        }
        else
        {
            ScheduleNext();
        }
    }

    public void Stop()
    {
        if (StopCore())
        {
            _clock.Untrack(this);
        }
    }

    /// <summary>Stops without touching the clock's tracking set; <see langword="false"/> when already stopped.</summary>
    internal bool StopCore()
    {
        lock (_gate)
        {
            if (!_running)
            {
                return false;
            }

            _running = false;
            _timer?.Dispose();
            return true;
        }
    }

    private void OnTimer()
    {
        if (!IsRunning)
        {
            return;
        }

        FreshContext.ReportIfNotSentinel(Clock.LoopingCallName);
        FreshContext.Run(s_runFresh, this);
    }

    [ContextBoundary("Starts one run of the loop in its fresh looping_call context and continues the loop from there")]
    private void RunFresh()
    {
        var context = FreshContext.Switch(Clock.LoopingCallName, _clock.ServerName);
        Task run;
        try
        {
            run = _callback is Action action ? RunAction(action) : ((Func<Task>)_callback)() ?? Task.CompletedTask;
        }
        catch (Exception ex)
        {
            run = Task.FromException(ex);
        }

        FreshContext.CheckStillCurrent(context);
        if (run.IsCompleted)
        {
            OnRunCompleted(run);
        }
        else
        {
            // Registered in this run's context, so the continuation (and a "Looping call died" line) runs in it.
            LoggingContext.SetCurrent(context);
            run.ContinueWith(s_onRunCompleted, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static Task RunAction(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    private void OnRunCompleted(Task run)
    {
        if (run.IsCompletedSuccessfully)
        {
            ScheduleNext();
            return;
        }

        if (!StopCore())
        {
            // Stopped (or shut down) while the run was in flight: its cancellation is expected, not a death.
            _ = run.Exception;
            return;
        }

        _clock.Untrack(this);
        Exception failure = run.IsFaulted
            ? (run.Exception!.InnerExceptions.Count == 1 ? run.Exception.InnerException! : run.Exception)
            : new TaskCanceledException(run);
        Log.ForContext<Clock>().Error(failure, "Looping call died");
    }

    private void ScheduleNext()
    {
        ITimer? timer;
        lock (_gate)
        {
            timer = _running ? _timer : null;
        }

        if (timer is null)
        {
            return;
        }

        // Twisted's LoopingCall: wait until the next point of the start grid, skipping any ticks already missed.
        // Change is called outside the lock: an inline provider may run other due callbacks from inside it.
        var elapsed = _clock.TimeProvider.GetElapsedTime(_startTimestamp).Ticks;
        var untilNext = Interval.Ticks - (elapsed % Interval.Ticks);
        try
        {
            timer.Change(TimeSpan.FromTicks(untilNext), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped concurrently: nothing to schedule.
        }
    }
}
