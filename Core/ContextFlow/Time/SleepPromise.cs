using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

/// <summary>
/// The task behind <see cref="Clock.SleepAsync"/>. Continuations run asynchronously, so the sleeper never resumes
/// inline on the timer thread (or inside a FakeTimeProvider's <c>Advance</c>); it resumes in its own captured context.
/// </summary>
internal sealed class SleepPromise : TaskCompletionSource
{
    private static readonly TimerCallback s_onTimer = static s => ((SleepPromise)s!).OnTimer();

    private readonly CancellationToken _cancellationToken;
    private ITimer? _timer;
    private CancellationTokenRegistration _registration;

    public SleepPromise(CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _cancellationToken = cancellationToken;
    }

    internal static TimerCallback TimerCallback => s_onTimer;

    [ContextBoundary("Registers the wake-up on cancellation without capturing the sleeper's context; it only completes this task")]
    public void Start(ITimer timer, TimeSpan delay)
    {
        Volatile.Write(ref _timer, timer);
        if (_cancellationToken.CanBeCanceled)
        {
            _registration = _cancellationToken.UnsafeRegister(static s => ((SleepPromise)s!).OnCancelled(), this);
        }

        if (!Task.IsCompleted)
        {
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        if (TrySetResult())
        {
            _registration.Dispose();
        }
    }

    private void OnCancelled()
    {
        if (TrySetCanceled(_cancellationToken))
        {
            Volatile.Read(ref _timer)?.Dispose();
        }
    }
}
