using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

/// <summary>
/// One <see cref="Clock.CallLater(TimeSpan, Action, bool)"/> or one sleep: a one-shot wait whose firing and
/// cancellation race on one state word, so exactly one of them wins.
/// </summary>
/// <remarks>
/// Timers are armed when they are created and never changed: a provider's <c>ITimer.Change</c> need not be safe against
/// a concurrent <c>Dispose</c> (FakeTimeProvider's is not), so whoever takes a timer out of <see cref="_timer"/>
/// disposes it, and nothing else ever touches it. A delay longer than one timer allows is waited for in steps
/// (<see cref="Delays"/>); each step's timer, once fired, is replaced by the next one.
/// </remarks>
internal sealed class DelayedCall : IDelayedCall
{
    private const int Pending = 0;
    private const int Fired = 1;
    private const int Cancelled = 2;

    private static readonly TimerCallback s_onTimer = static s => ((DelayedCall)s!).OnTimer();
    private static readonly TimerCallback s_onStep = static s => ((Deadline)s!).OnStep();
    private static readonly ContextCallback s_runFresh = static s => ((DelayedCall)s!).RunFresh();

    private readonly Clock _clock;
    private readonly bool _tracked;

    // An Action, a Func<Task>, or the SleepPromise a sleep completes.
    private object? _callback;
    private ITimer? _timer;
    private int _state;

    public DelayedCall(Clock clock, object callback, bool tracked)
    {
        _clock = clock;
        _callback = callback;
        _tracked = tracked;
    }

    // Links of the clock's TrackedCalls list; guarded by the clock's lock.
    internal DelayedCall? Previous { get; set; }

    internal DelayedCall? Next { get; set; }

    internal bool IsLinked { get; set; }

    public bool IsActive => Volatile.Read(ref _state) == Pending;

    /// <summary>
    /// Arms the first timer (none for <see cref="Timeout.InfiniteTimeSpan"/>: only cancelling ends such a wait); the call
    /// may be cancelled (or even fired) before or while this runs.
    /// </summary>
    public void Start(TimeSpan delay)
    {
        if (Delays.IsInfinite(delay))
        {
            return;
        }

        // A delay of several steps gets its deadline as the timers' state, so the common call carries no field for it.
        if (delay > Delays.MaxStep)
        {
            Arm(s_onStep, new Deadline(this, _clock.GetTimestamp(), delay), Delays.MaxStep, first: true);
        }
        else
        {
            Arm(s_onTimer, this, delay, first: true);
        }
    }

    public bool Cancel()
    {
        if (!CancelCore())
        {
            return false;
        }

        if (_tracked)
        {
            _clock.Untrack(this);
        }

        return true;
    }

    /// <summary>Cancels without touching the clock's tracking list, which shutdown has already emptied.</summary>
    internal bool CancelCore()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Pending) != Pending)
        {
            return false;
        }

        var callback = _callback;
        _callback = null;
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        (callback as SleepPromise)?.Cancelled();
        return true;
    }

    private void Arm(TimerCallback callback, object state, TimeSpan dueTime, bool first)
    {
        var timer = _clock.CreateTimer(callback, state, dueTime);
        if (first)
        {
            // A later step can only exist if this timer has already fired: then it needs no disposing.
            if (Interlocked.CompareExchange(ref _timer, timer, null) is not null)
            {
                return;
            }
        }
        else
        {
            // What is replaced is the step that just fired (or nothing, if it fired before it was stored).
            Interlocked.Exchange(ref _timer, timer);
        }

        if (Volatile.Read(ref _state) == Cancelled)
        {
            Interlocked.Exchange(ref _timer, null)?.Dispose();
        }
    }

    private void OnTimer()
    {
        if (Interlocked.CompareExchange(ref _state, Fired, Pending) != Pending)
        {
            return;
        }

        var sleep = _callback as SleepPromise;
        if (sleep is null)
        {
            FreshContext.ReportIfNotSentinel(Clock.CallLaterName);
        }

        // Tracked calls are admitted by the clock: one that fired just as the clock shut down does not start.
        if (_tracked && !_clock.UntrackAndAdmit(this, admit: sleep is null))
        {
            _callback = null;
            sleep?.Cancelled();
            return;
        }

        if (sleep is not null)
        {
            _callback = null;
            sleep.Wake();
        }
        else if (_tracked)
        {
            _clock.RunAdmitted(s_runFresh, this);
        }
        else
        {
            FreshContext.Run(s_runFresh, this);
        }
    }

    private void RunFresh()
    {
        var callback = _callback;
        _callback = null;
        var context = FreshContext.Switch(Clock.CallLaterName, _clock.ServerName);
        try
        {
            if (callback is Action action)
            {
                action();
            }
            else if (callback is Func<Task> func)
            {
                FreshContext.ObserveFailure(func() ?? Task.CompletedTask, Clock.CallLaterName);
            }
        }
        catch (Exception ex)
        {
            FreshContext.LogFailure(ex, Clock.CallLaterName);
        }

        FreshContext.CheckStillCurrent(context);
    }

    /// <summary>
    /// A delay longer than one timer step: each step's timer, when it fires, arms the next one for what is left on the
    /// provider's monotonic timestamp, until none is.
    /// </summary>
    private sealed class Deadline(DelayedCall call, long startTimestamp, TimeSpan delay)
    {
        public void OnStep()
        {
            if (Volatile.Read(ref call._state) != Pending)
            {
                return;
            }

            var left = delay - call._clock.GetElapsedTime(startTimestamp);
            if (left > TimeSpan.Zero)
            {
                call.Arm(s_onStep, this, Delays.Step(left), first: false);
            }
            else
            {
                call.OnTimer();
            }
        }
    }
}
