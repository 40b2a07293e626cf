using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Background;

/// <summary>
/// Runs the work of one server that outlives whoever started it ("background processes"), each in a fresh context
/// <c>"{description}-{n}"</c> of the server (n counts per description from 0), and stops them all at shutdown.
/// </summary>
/// <remarks>
/// <para>
/// A background process never inherits its caller's context: it has no parent (its usage is not charged to the
/// request that started it), none of the caller's AsyncLocals reach it, and its span <c>bgproc.{description}</c> is a
/// new root with a link to the caller's span rather than a child of it. The caller's context and
/// <c>Activity.Current</c> are unchanged when <see cref="RunAsBackgroundProcess"/> returns.
/// </para>
/// <para>
/// Exceptions are logged as <c>"Background process '{description}' threw an exception"</c>; they never reach the
/// returned task, so nothing is left unobserved. Metrics: see <c>docs/clock-and-background-processes.md</c> (instruments
/// <c>contextflow.background_process.*</c>, tagged <c>name</c> and <c>server_name</c>).
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
/// <example>
/// <code>
/// var processes = new BackgroundProcesses(clock);   // for the clock's server, "tenant-a.example"
/// processes.RunAsBackgroundProcess("prune_cache", async ct =>
/// {
///     await cache.PruneAsync(ct);            // context "prune_cache-0", span "bgproc.prune_cache"
/// });                                        // the task never faults: awaiting it is optional
/// await processes.ShutdownAsync(TimeSpan.FromSeconds(5));
/// </code>
/// </example>
public sealed class BackgroundProcesses
{
    // Descriptions are names of kinds of work; this many distinct ones almost always means ids were put in them.
    internal const int DistinctDescriptionsWarning = 1000;

    private readonly object _gate = new();
    private readonly Dictionary<string, int> _nextIndex = new(StringComparer.Ordinal);
    private readonly HashSet<BackgroundProcess> _running = new();
    private readonly Dictionary<string, ResourceUsage> _usageTotals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Clock _clock;
    private Task? _shutdownTask;

    /// <summary>Creates the background-process runner of the server that <paramref name="clock"/> belongs to.</summary>
    /// <param name="clock">The server's clock: every process's context carries its <see cref="Clock.ServerName"/>, and
    /// the shutdown grace period is measured on it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> is <see langword="null"/>.</exception>
    public BackgroundProcesses(Clock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ServerName = clock.ServerName;
        _clock = clock;
        BackgroundProcessMetrics.Register(this);
    }

    /// <summary>The server these processes belong to.</summary>
    public string ServerName { get; }

    internal bool ClockIsShutdown => _clock.IsShutdown;

    /// <summary>How many of the server's processes are running now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> as a background process. It begins synchronously, on the calling thread, in its
    /// own context, until its first incomplete await; the caller's context is untouched when this returns.
    /// </summary>
    /// <param name="description">What the process does, e.g. <c>"prune_cache"</c>; names its context, span and metrics.
    /// A name of a kind of work, never an id: each distinct description keeps a counter, usage totals and metric series
    /// for the server's lifetime (a warning is logged at the 1,000th).</param>
    /// <param name="work">The work; its token is cancelled by <see cref="ShutdownAsync"/>.</param>
    /// <returns>A task that completes when the work has ended, successfully or not; it never faults.</returns>
    /// <exception cref="ArgumentException"><paramref name="description"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The server has been shut down.</exception>
    public Task RunAsBackgroundProcess(string description, Func<CancellationToken, Task> work)
    {
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(work);

        // Read before leaving the caller's execution context; inside the process it is gone on purpose.
        var callerSpan = Activity.Current?.Context;
        BackgroundProcess process;
        lock (_gate)
        {
            if (_shutdownTask is not null)
            {
                throw new InvalidOperationException($"Cannot start background process: server '{ServerName}' has been shut down");
            }

            if (!_nextIndex.TryGetValue(description, out var index) && _nextIndex.Count == DistinctDescriptionsWarning - 1)
            {
                Log.ForContext<BackgroundProcesses>().Warning(
                    "Server {ServerName} has started background processes under {Count} distinct descriptions (the latest {Description}): a description names what a process does, not what it works on, and each one keeps its counters and metric series for the server's lifetime",
                    ServerName,
                    DistinctDescriptionsWarning,
                    description);
            }

            _nextIndex[description] = index + 1;
            process = new BackgroundProcess(this, description, index, work, _shutdown.Token, callerSpan);
            _running.Add(process);
        }

        process.Start();
        return process.Task;
    }

    /// <summary>
    /// Refuses new processes, cancels the token every process got, and waits for them to end — at most
    /// <paramref name="grace"/> on the server's clock, after which the ones still running are logged by name and
    /// abandoned. Calling it again returns a task that completes at the same time.
    /// </summary>
    /// <remarks>
    /// The call returns its task at once: the token is cancelled on a thread-pool thread, from an empty context, so
    /// cancellation callbacks and the continuations they run inline (which may block) never run on the caller's thread,
    /// and the grace period starts before any of them. The task therefore completes within <paramref name="grace"/>
    /// (plus scheduling) whatever the processes do. The grace timer is not one of the clock's tracked calls: it still
    /// runs when the clock has been shut down first.
    /// </remarks>
    /// <param name="grace">How long to wait for processes to honour cancellation: zero or more, up to
    /// <see cref="TimeSpan.MaxValue"/>, or <see cref="Timeout.InfiniteTimeSpan"/> to wait for every process.</param>
    /// <returns>A task that completes when every process has ended or the grace period is over; it never faults.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="grace"/> is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public Task ShutdownAsync(TimeSpan grace)
    {
        Delays.Check(grace, infiniteAllowed: true);
        TaskCompletionSource completion;
        BackgroundProcess[] running;
        lock (_gate)
        {
            if (_shutdownTask is not null)
            {
                return _shutdownTask;
            }

            completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _shutdownTask = completion.Task;
            running = [.. _running];
        }

        var graceOver = new CancellationTokenSource();
        var graceTask = _clock.DelayUntrackedAsync(grace, graceOver.Token);
        RequestCancellation();
        return ShutdownCoreAsync(running, graceTask, graceOver, completion);
    }

    internal void OnFinished(BackgroundProcess process)
    {
        lock (_gate)
        {
            _running.Remove(process);
            AddUsage(process);
        }
    }

    /// <summary>
    /// What the server's background processes have used since the server was created, all descriptions together:
    /// the processes that ended, and the running ones up to now. The same figures the
    /// <c>contextflow.background_process.*</c> counters report per description.
    /// </summary>
    /// <returns>A copy of the totals.</returns>
    public ResourceUsage GetResourceUsage()
    {
        var total = default(ResourceUsage);
        foreach (var (_, usage) in CollectUsageTotals())
        {
            total += usage;
        }

        return total;
    }

    /// <summary>Charges what running processes used since the last collection and returns the totals per description.</summary>
    internal List<(string Description, ResourceUsage Total)> CollectUsageTotals()
    {
        lock (_gate)
        {
            foreach (var process in _running)
            {
                AddUsage(process);
            }

            return _usageTotals.Select(entry => (entry.Key, entry.Value)).ToList();
        }
    }

    private void AddUsage(BackgroundProcess process)
    {
        var delta = process.Usage.Next(process.Context.GetResourceUsage());
        _usageTotals[process.Description] = _usageTotals.GetValueOrDefault(process.Description) + delta;
    }

    // On a pool thread, from an empty context: no cancellation callback (nor a continuation it runs inline, which may
    // block) runs on the thread calling ShutdownAsync or sees its context, and the grace period has started before any
    // of them. A callback that blocks holds that one pool thread; the grace timer and the rest of shutdown run on others.
    [ContextBoundary("Cancels the processes' token on a pool thread from an empty context, so that no cancellation callback runs on the thread calling ShutdownAsync or in its context")]
    private void RequestCancellation() =>
        ThreadPool.UnsafeQueueUserWorkItem(static self => self.CancelProcesses(), this, preferLocal: false);

    private void CancelProcesses()
    {
        try
        {
            _shutdown.Cancel();
        }
        catch (AggregateException ex)
        {
            Log.ForContext<BackgroundProcesses>().Error(ex, "A background process's cancellation callback threw during shutdown");
        }
        finally
        {
            _cancelled.TrySetResult();
        }
    }

    private async Task ShutdownCoreAsync(BackgroundProcess[] running, Task graceTask, CancellationTokenSource graceOver, TaskCompletionSource completion)
    {
        try
        {
            // The cancelling thread counts as one of them: until it returns, its frames still hold these processes.
            var all = Task.WhenAll(running.Select(p => p.Task).Append(_cancelled.Task));
            var first = await Task.WhenAny(all, graceTask).ConfigureAwait(false);
            graceOver.Cancel();
            graceOver.Dispose();
            if (first != all)
            {
                var left = running.Where(p => !p.Task.IsCompleted).Select(p => p.Context.Name).ToArray();
                Log.ForContext<BackgroundProcesses>().Warning(
                    "{Count} background processes still running after the shutdown grace period: {Processes}", left.Length, left);
            }

            BackgroundProcessMetrics.Unregister(this);
        }
        catch (Exception ex)
        {
            Log.ForContext<BackgroundProcesses>().Error(ex, "Shutting down background processes failed");
        }
        finally
        {
            completion.TrySetResult();
        }
    }
}
