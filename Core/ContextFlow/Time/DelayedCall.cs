using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

/// <summary>
/// One <see cref="Clock.CallLater(TimeSpan, Action, bool)"/>: a one-shot timer whose firing and cancellation race
/// on one state word, so exactly one of them wins.
/// </summary>
internal sealed class DelayedCall : IDelayedCall
{
    private const int Pending = 0;
    private const int Fired = 1;
    private const int Cancelled = 2;

    private static readonly TimerCallback s_onTimer = static s => ((DelayedCall)s!).OnTimer();
    private static readonly ContextCallback s_runFresh = static s => ((DelayedCall)s!).RunFresh();

    private readonly Clock _clock;
    private readonly bool _tracked;
    private object? _callback;
    private ITimer? _timer;
    private int _state;

    public DelayedCall(Clock clock, object callback, bool tracked)
    {
        _clock = clock;
        _callback = callback;
        _tracked = tracked;
    }

    // The clock's intrusive list of tracked calls (O(1) add and remove, nothing allocated); guarded by the clock's lock.
    internal DelayedCall? Previous { get; set; }

    internal DelayedCall? Next { get; set; }

    internal bool IsLinked { get; set; }

    public bool IsActive => Volatile.Read(ref _state) == Pending;

    internal static TimerCallback TimerCallback => s_onTimer;

    /// <summary>
    /// Takes the armed timer. It may already have fired (that needs no timer), or the call may already have been
    /// cancelled before the timer could be seen, in which case it is disposed here.
    /// </summary>
    public void Attach(ITimer timer)
    {
        Volatile.Write(ref _timer, timer);
        if (Volatile.Read(ref _state) == Cancelled)
        {
            timer.Dispose();
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

    /// <summary>Cancels without touching the clock's tracking set, which shutdown has already emptied.</summary>
    internal bool CancelCore()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Pending) != Pending)
        {
            return false;
        }

        _callback = null;
        Volatile.Read(ref _timer)?.Dispose();
        return true;
    }

    private void OnTimer()
    {
        if (Interlocked.CompareExchange(ref _state, Fired, Pending) != Pending)
        {
            return;
        }

        if (_tracked)
        {
            _clock.Untrack(this);
        }

        FreshContext.ReportIfNotSentinel(Clock.CallLaterName);
        FreshContext.Run(s_runFresh, this);
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
}
