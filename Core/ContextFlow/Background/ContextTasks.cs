using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Background;

/// <summary>
/// Task helpers that keep the context rules: a timeout that really cancels the work, and CPU-bound work on the thread
/// pool that is still charged to the caller.
/// </summary>
public static class ContextTasks
{
    /// <summary>
    /// Returns a task that ends like <paramref name="task"/>, or with a <see cref="TimeoutException"/> if
    /// <paramref name="timeout"/> passes on <paramref name="clock"/> first. On timeout, <paramref name="cancel"/> is
    /// cancelled so the work stops (<c>Task.WaitAsync</c> alone would leave it running); a cancellation callback that
    /// throws is logged and the result is still a <see cref="TimeoutException"/>, as is the work ending cancelled
    /// because of it. If the work ends first the timer is cancelled, leaving nothing tracked on the clock.
    /// </summary>
    /// <remarks>
    /// The awaiting code resumes in its own context, never in the timer's. The timer is a tracked
    /// <see cref="Clock.CallLater(TimeSpan, Action, bool)"/>: if the clock shuts down first, the timeout no longer fires.
    /// Thread-safe.
    /// </remarks>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="task">The work.</param>
    /// <param name="timeout">How long to wait: zero or more, up to <see cref="TimeSpan.MaxValue"/>, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no timeout (the task itself is returned).</param>
    /// <param name="clock">The server's clock, which measures the timeout.</param>
    /// <param name="cancel">The source whose token the work observes; cancelled on timeout. Optional.</param>
    /// <returns>The work's outcome, or a <see cref="TimeoutException"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> or <paramref name="clock"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <exception cref="InvalidOperationException">The clock has been shut down (and the task is still running, with a finite timeout).</exception>
    /// <example>
    /// <code>
    /// using var cancel = new CancellationTokenSource();
    /// var body = await FetchAsync(url, cancel.Token).TimeoutAsync(TimeSpan.FromSeconds(10), clock, cancel);
    /// </code>
    /// </example>
    public static Task<T> TimeoutAsync<T>(this Task<T> task, TimeSpan timeout, Clock clock, CancellationTokenSource? cancel = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(clock);
        Delays.Check(timeout, infiniteAllowed: true);
        if (task.IsCompleted || Delays.IsInfinite(timeout))
        {
            return task;
        }

        var operation = new TimeoutOperation<T>(task, timeout, cancel);
        operation.Start(clock);
        return operation.Task;
    }

    /// <summary>
    /// Returns a task that ends like <paramref name="task"/>, or with a <see cref="TimeoutException"/> if
    /// <paramref name="timeout"/> passes on <paramref name="clock"/> first; see
    /// <see cref="TimeoutAsync{T}(Task{T}, TimeSpan, Clock, CancellationTokenSource?)"/>, which this mirrors for work
    /// without a result.
    /// </summary>
    /// <param name="task">The work.</param>
    /// <param name="timeout">How long to wait: zero or more, up to <see cref="TimeSpan.MaxValue"/>, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no timeout (the task itself is returned).</param>
    /// <param name="clock">The server's clock, which measures the timeout.</param>
    /// <param name="cancel">The source whose token the work observes; cancelled on timeout. Optional.</param>
    /// <returns>The work's outcome, or a <see cref="TimeoutException"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> or <paramref name="clock"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <exception cref="InvalidOperationException">The clock has been shut down (and the task is still running, with a finite timeout).</exception>
    public static Task TimeoutAsync(this Task task, TimeSpan timeout, Clock clock, CancellationTokenSource? cancel = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(clock);
        Delays.Check(timeout, infiniteAllowed: true);
        if (task.IsCompleted || Delays.IsInfinite(timeout))
        {
            return task;
        }

        var operation = new TimeoutOperation<object?>(task, timeout, cancel);
        operation.Start(clock);
        return operation.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a thread-pool thread in a child of the caller's context with the same name, so
    /// its log lines read as the caller's and its CPU time (when tracked) and database usage reach the caller. From
    /// the sentinel it logs "Calling DeferToThreadPool from sentinel context: metrics will be lost" and runs in a
    /// parentless context.
    /// </summary>
    /// <remarks>Thread-safe. The caller resumes in its own context when it awaits the result.</remarks>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">CPU-bound or blocking work.</param>
    /// <returns>The work's result; its exception if it throws.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// var hash = await ContextTasks.DeferToThreadPool(() => Argon2.Hash(password));   // charged to this request
    /// </code>
    /// </example>
    public static Task<T> DeferToThreadPool<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var caller = LoggingContext.Current;
        LoggingContext child;
        if (caller.IsSentinel)
        {
            Log.ForContext(typeof(ContextTasks)).Warning("Calling DeferToThreadPool from sentinel context: metrics will be lost");
            child = new LoggingContext(caller.Name, caller.ServerName);
        }
        else
        {
            child = new LoggingContext(caller.Name, caller.ServerName, caller);
        }

        return Task.Run(() =>
        {
            using (child.Enter())
            {
                return work();
            }
        });
    }
}
