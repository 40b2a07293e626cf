using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

/// <summary>
/// The task behind <see cref="Clock.SleepAsync"/>: a <see cref="DelayedCall"/> completes it when it fires, and it ends
/// cancelled when its token is cancelled or the call is cancelled (by shutdown, for a tracked sleep). Continuations run
/// asynchronously, so the sleeper never resumes inline on the timer thread (or inside a FakeTimeProvider's
/// <c>Advance</c>); it resumes in its own captured context.
/// </summary>
internal sealed class SleepPromise : TaskCompletionSource
{
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private DelayedCall? _call;

    public SleepPromise(CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _cancellationToken = cancellationToken;
    }

    /// <summary>Ties the token to <paramref name="call"/>; the call is already armed and may already have fired.</summary>
    [ContextBoundary("Registers the wake-up on cancellation without capturing the sleeper's context; it only cancels the timer")]
    public void Watch(DelayedCall call)
    {
        if (!_cancellationToken.CanBeCanceled)
        {
            return;
        }

        Volatile.Write(ref _call, call);
        _registration = _cancellationToken.UnsafeRegister(static s => ((SleepPromise)s!).OnTokenCancelled(), this);
        if (Task.IsCompleted)
        {
            // Ended before the registration existed: nothing will dispose it otherwise.
            _registration.Dispose();
        }
    }

    /// <summary>The wait is over.</summary>
    public void Wake()
    {
        if (TrySetResult())
        {
            _registration.Dispose();
        }
    }

    /// <summary>The call was cancelled (by the token, or by the clock shutting down).</summary>
    public void Cancelled()
    {
        var cancelledByToken = _cancellationToken.IsCancellationRequested;
        if (cancelledByToken ? TrySetCanceled(_cancellationToken) : TrySetCanceled())
        {
            _registration.Dispose();
        }
    }

    private void OnTokenCancelled() => Volatile.Read(ref _call)?.Cancel();
}
