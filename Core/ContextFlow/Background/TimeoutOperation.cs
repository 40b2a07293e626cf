using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Background;

/// <summary>
/// The task behind <see cref="ContextTasks.TimeoutAsync{T}"/>: whichever of "the work ended" and "the timer fired"
/// comes first decides it. Continuations run asynchronously, so a waiter never resumes inside the timer's
/// <c>"call_later"</c> context or on the thread that completed the work.
/// </summary>
internal sealed class TimeoutOperation<T> : TaskCompletionSource<T>
{
    private readonly Task _work;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource? _cancel;
    private IDelayedCall? _timer;
    private volatile bool _timedOut;

    /// <param name="work">The work; a <see cref="Task{T}"/> whose result is passed on, or a plain <see cref="Task"/> (then <typeparamref name="T"/> is a placeholder).</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancel">Cancelled on timeout.</param>
    public TimeoutOperation(Task work, TimeSpan timeout, CancellationTokenSource? cancel)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _work = work;
        _timeout = timeout;
        _cancel = cancel;
    }

    [ContextBoundary("Watches the work's completion without capturing the waiter's context; it only completes this task")]
    public void Start(Clock clock)
    {
        var timer = clock.CallLater(_timeout, TimeOut);
        Volatile.Write(ref _timer, timer);
        _work.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnWorkCompleted);
        if (Task.IsCompleted)
        {
            // The work finished before the timer was stored: OnWorkCompleted could not cancel it.
            timer.Cancel();
        }
    }

    private void TimeOut()
    {
        _timedOut = true;

        // From the sentinel, not from the timer's "call_later" context (the reference's timeout_deferred bug):
        // cancellation callbacks and anything they complete inline must not run inside the timer's context.
        using (LoggingContext.Preserve())
        {
            try
            {
                _cancel?.Cancel();
            }
            catch (Exception ex)
            {
                Log.ForContext(typeof(ContextTasks)).Error(ex, "Canceller failed during timeout");
            }

            TrySetException(new TimeoutException($"Timed out after {_timeout}"));
        }
    }

    private void OnWorkCompleted()
    {
        Volatile.Read(ref _timer)?.Cancel();
        if (_work.IsCompletedSuccessfully)
        {
            TrySetResult(_work is Task<T> typed ? typed.Result : default!);
        }
        else if (_timedOut && IsCancellation(_work))
        {
            TrySetException(new TimeoutException($"Timed out after {_timeout}"));
        }
        else if (_work.IsCanceled)
        {
            TrySetCanceled();
        }
        else
        {
            TrySetException(_work.Exception!.InnerExceptions);
        }
    }

    private static bool IsCancellation(Task work) =>
        work.IsCanceled || work.Exception?.InnerException is OperationCanceledException;
}
