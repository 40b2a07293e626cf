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

    public DelayedCall(Clock clock, object callback, DateTimeOffset dueTime, bool tracked)
    {
        _clock = clock;
        _callback = callback;
        DueTime = dueTime;
        _tracked = tracked;
    }

    public DateTimeOffset DueTime { get; }

    public bool IsActive => Volatile.Read(ref _state) == Pending;

    internal static TimerCallback TimerCallback => s_onTimer;

    /// <summary>Arms the timer; the timer is created disarmed so it can never fire before this object knows it.</summary>
    public void Start(ITimer timer, TimeSpan delay)
    {
        Volatile.Write(ref _timer, timer);
        try
        {
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Cancelled concurrently: Cancel saw the timer and disposed it.
            return;
        }

        if (Volatile.Read(ref _state) == Cancelled)
        {
            // Cancelled between the timer's creation and this assignment: Cancel could not see the timer.
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
        using (LoggingContext.Preserve(new LoggingContext(Clock.CallLaterName, _clock.ServerName)))
        {
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
        }
    }
}
