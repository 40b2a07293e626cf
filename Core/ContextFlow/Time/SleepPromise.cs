using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

/// <summary>
/// The task behind <see cref="Clock.SleepAsync"/>: a <see cref="DelayedCall"/> completes it when it fires, and it ends
/// cancelled when its token is cancelled or the call is cancelled (by shutdown, for a tracked sleep).
/// </summary>
/// <remarks>
/// <para>
/// A sleep that is over resumes its sleeper on the thread that fired the timer, as <c>Task.Delay</c> does: a pool thread
/// for the system's timers, and the thread advancing time for an inline provider (FakeTimeProvider). The latter is
/// what keeps fake time deterministic: a process that sleeps in a loop re-arms its next sleep from inside the
/// provider's own round of due timers, so it never competes with the thread driving time for running them (the
/// provider lets one thread at a time run due timers, and a loser returns without running any). Awaiting restores the
/// sleeper's own execution context, so nothing of the timer thread's reaches it.
/// </para>
/// <para>
/// A sleep ended by the clock's shutdown completes on the thread pool instead, so that shutting a clock down never runs
/// a sleeper's code on the thread shutting it down. A sleep ended by its token completes on the cancelling thread, as
/// with any token-cancelled wait in .NET.
/// </para>
/// </remarks>
internal sealed class SleepPromise : TaskCompletionSource
{
    private readonly CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;
    private DelayedCall? _call;

    public SleepPromise(CancellationToken cancellationToken)
        : base(TaskCreationOptions.None)
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
        if (!call.IsActive)
        {
            // Fired or cancelled before the registration existed: nothing will dispose it otherwise.
            _registration.Dispose();
        }
    }

    /// <summary>The wait is over. The call's state word lets exactly one of this and <see cref="Cancelled"/> run.</summary>
    public void Wake()
    {
        _registration.Dispose();
        TrySetResult();
    }

    /// <summary>The call was cancelled: by the token, or by the clock shutting down.</summary>
    [ContextBoundary("Completes a sleep ended by shutdown on the pool, so no sleeper's code runs on the thread shutting the clock down")]
    public void Cancelled()
    {
        _registration.Dispose();
        if (_cancellationToken.IsCancellationRequested)
        {
            TrySetCanceled(_cancellationToken);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static promise => promise.TrySetCanceled(), this, preferLocal: false);
        }
    }

    private void OnTokenCancelled() => Volatile.Read(ref _call)?.Cancel();
}
