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

    // The timer of the next run (or of the next step towards it, for intervals beyond one timer's reach). A new timer
    // is created for every run, armed at creation and never changed, so no timer is ever changed while another thread
    // disposes it; whoever takes it out of this field disposes it.
    private ITimer? _timer;
    private int _tick;
    private volatile bool _inCallback;
    private bool _running = true;

    // When the next run is due, as time elapsed since the start (ticks).
    private long _nextDue;

    public LoopingCallRunner(Clock clock, TimeSpan interval, object callback)
    {
        _clock = clock;
        Interval = interval;
        _callback = callback;
        _startTimestamp = clock.TimeProvider.GetTimestamp();
    }

    public TimeSpan Interval { get; }

    /// <summary>Whether a run is in its synchronous part now (for naming a run that holds up a shutdown).</summary>
    internal bool IsInCallback => _inCallback;

    internal string CallbackName => Time.CallbackName.Of((Delegate)_callback);

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

    /// <summary>
    /// Schedules the first run; with <paramref name="runNow"/> runs once on the calling thread first, the clock having
    /// admitted that run together with registering the loop.
    /// </summary>
    public void Start(bool runNow)
    {
        if (runNow)
        {
            // The caller's thread is legitimately in some context here, so no sentinel check: just start fresh.
            _clock.RunAdmitted(s_runFresh, this);
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
        ITimer? timer;
        lock (_gate)
        {
            if (!_running)
            {
                return false;
            }

            _running = false;
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
        return true;
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (!_running)
            {
                return;
            }
        }

        // Outside the lock: reading a fake provider's time may run its other due timers on this thread.
        var elapsed = _clock.TimeProvider.GetElapsedTime(_startTimestamp).Ticks;
        var due = Volatile.Read(ref _nextDue);
        if (elapsed < due)
        {
            // One step of an interval longer than a timer can wait: arm the next step.
            Arm(Delays.Step(TimeSpan.FromTicks(due - elapsed)));
            return;
        }

        FreshContext.ReportIfNotSentinel(Clock.LoopingCallName);
        bool admitted;
        lock (_gate)
        {
            // Stopped, or the clock shutting down, since the check above: this run does not start.
            admitted = _running && _clock.TryAdmit();
        }

        if (admitted)
        {
            _clock.RunAdmitted(s_runFresh, this);
        }
    }

    [ContextBoundary("Starts one run of the loop in its fresh looping_call context and continues the loop from there")]
    private void RunFresh()
    {
        var context = FreshContext.Switch(Clock.LoopingCallName, _clock.ServerName);
        Task run;
        _inCallback = true;
        try
        {
            run = _callback is Action action ? RunAction(action) : ((Func<Task>)_callback)() ?? Task.CompletedTask;
        }
        catch (Exception ex)
        {
            run = Task.FromException(ex);
        }
        finally
        {
            _inCallback = false;
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

        var stoppedHere = StopCore();
        if (stoppedHere)
        {
            _clock.Untrack(this);
        }

        if (!stoppedHere || (run.IsCanceled && _clock.IsShutdown))
        {
            // Stopped, or cancelled by the clock's shutdown (its sleeps end cancelled), while the run was in flight:
            // expected, not a death.
            _ = run.Exception;
            return;
        }

        Exception failure = run.IsFaulted
            ? (run.Exception!.InnerExceptions.Count == 1 ? run.Exception.InnerException! : run.Exception)
            : new TaskCanceledException(run);
        Log.ForContext<Clock>().Error(failure, "Looping call died");
    }

    private void ScheduleNext()
    {
        // Twisted's LoopingCall: wait until the next point of the start grid, skipping any ticks already missed.
        var elapsed = _clock.TimeProvider.GetElapsedTime(_startTimestamp).Ticks;
        var untilNext = Interval.Ticks - (elapsed % Interval.Ticks);
        Volatile.Write(ref _nextDue, elapsed + untilNext);
        Arm(Delays.Step(TimeSpan.FromTicks(untilNext)));
    }

    private void Arm(TimeSpan dueTime)
    {
        int tick;
        lock (_gate)
        {
            if (!_running)
            {
                return;
            }

            tick = ++_tick;
        }

        // Created outside the lock: an inline provider may run other due callbacks from inside CreateTimer.
        var timer = _clock.CreateTimer(s_onTimer, this, dueTime);
        lock (_gate)
        {
            if (_running)
            {
                // A newer tick means this timer has already fired (only a fired timer leads to the next one).
                if (tick == _tick)
                {
                    _timer = timer;
                }

                return;
            }
        }

        // Stopped meanwhile: the stop took whatever was stored, never this one.
        timer.Dispose();
    }
}
