using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Hosting;

public abstract partial class Server
{
    private const string ShutdownContextName = "shutdown";

    private static readonly ContextCallback s_beginShutdown = static s => ((Server)s!).BeginShutdown();

    private LoggingContext? _shutdownContext;

    /// <summary>
    /// Shuts the server down and releases everything it holds, in a fresh <c>"shutdown"</c> context of the server (never
    /// the caller's), in this order: refuse new work and log <c>"Received shutdown request for {server} ({instance
    /// id})"</c>; cancel a setup or start in progress and wait for it; run the shutdown handlers, the last registered
    /// first; stop the clock (every tracked delayed call and looping call) and wait for its running callbacks; cancel
    /// and await the background processes; dispose the registered resources, the last registered first. Afterwards,
    /// starting a background process, a delayed call or a looping call throws, no timer of the server fires, and nothing
    /// the library holds keeps the server alive.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>The bound.</b> The whole shutdown waits at most the configuration's <see cref="ServerConfig.ShutdownGracePeriod"/>
    /// for the server's own code, whatever that code does: handlers and disposals run on the thread pool, and the waits
    /// for the setup, the start, the clock's running callbacks and the background processes all end with the grace
    /// period, so neither an await that never ends nor a call that blocks its thread holds the shutdown up. What is
    /// still running then is logged by name (<c>"Abandoned … still running after the shutdown grace period"</c>) and
    /// left behind; every later step still happens, without waiting. Errors are logged and never stop the rest of
    /// shutdown.
    /// </para>
    /// <para>
    /// It is safe after a failed setup, idempotent and safe to call concurrently: every call returns the same task.
    /// Called from inside the shutdown itself (a shutdown handler), it returns a completed task, since waiting there for
    /// the shutdown to end would never end. A background process of this server that awaits it holds it up for the
    /// grace period: start the shutdown and return instead.
    /// </para>
    /// </remarks>
    /// <returns>A task that completes when the server is shut down; it never faults.</returns>
    public Task ShutdownAsync()
    {
        lock (_gate)
        {
            if (_shutdownContext is not null)
            {
                return IsCurrentOrAncestor(_shutdownContext) ? Task.CompletedTask : _shutDown.Task;
            }

            _shutdownContext = new LoggingContext(ShutdownContextName, ServerName, Totals);
            _state = ServerState.ShuttingDown;
        }

        FreshContext.Run(s_beginShutdown, this);
        return _shutDown.Task;
    }

    /// <summary>Shuts the server down; the same as <see cref="ShutdownAsync"/>.</summary>
    /// <returns>A task that completes when the server is shut down.</returns>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    private static bool IsCurrentOrAncestor(LoggingContext context)
    {
        for (var c = LoggingContext.Current; c is not null; c = c.Parent)
        {
            if (ReferenceEquals(c, context))
            {
                return true;
            }
        }

        return false;
    }

    // Inside FreshContext.Run: none of the caller's AsyncLocals, and no caller's synchronization context to pull the
    // shutdown's continuations back to it. Its task is not kept: _shutDown is the shutdown's task, and the run never
    // throws.
    [ContextBoundary("Starts the shutdown, whose completion the server's _shutDown reports; the run never throws")]
    private void BeginShutdown() => _ = RunShutdownAsync();

    private async Task RunShutdownAsync()
    {
        // The caller gets its task back at once, whatever the handlers below do.
        await Task.Yield();

        // Armed from the sentinel, before the shutdown's context is entered: a provider that runs due timers on the
        // thread adding one (FakeTimeProvider) then runs other servers' callbacks as on a timer thread.
        var startedAt = Clock.GetTimestamp();
        using var deadline = new CancellationTokenSource(_shutdownGrace, _timeProvider);
        using var scope = _shutdownContext!.Enter();
        var log = Log.ForContext<Server>();
        try
        {
            log.Information("Received shutdown request for {ServerName} ({InstanceId})", ServerName, InstanceId);
            await StopSetupAndStartAsync(deadline.Token, log).ConfigureAwait(false);
            await RunShutdownHandlersAsync(deadline.Token, log).ConfigureAwait(false);
            if (!await WithinGraceAsync(Clock.ShutdownAsync(), deadline.Token).ConfigureAwait(false))
            {
                LogAbandoned(log, $"clock callbacks ({Clock.DescribeRunningCallbacks()})");
            }

            await BackgroundProcesses.ShutdownAsync(Remaining(startedAt)).ConfigureAwait(false);
            await DisposeOwnedAsync(deadline.Token, log).ConfigureAwait(false);
            lock (_gate)
            {
                _state = ServerState.ShutDown;
            }

            log.Information("Server {ServerName} ({InstanceId}) shut down in {Elapsed:0.000} s",
                ServerName, InstanceId, Clock.GetElapsedTime(startedAt).TotalSeconds);
        }
        catch (Exception ex)
        {
            log.Error(ex, "Shutting down server {ServerName} failed", ServerName);
        }
        finally
        {
            _stopping.Dispose();
            NotifyShutDown(log);

            // Last: what keeps something per server name (its log file) lets go once the server's last line is written.
            LiveServers.Ended(ServerName);
            _shutDown.TrySetResult();
        }
    }

    private async Task StopSetupAndStartAsync(CancellationToken deadline, ILogger log)
    {
        var start = AbandonStart();
        if (!await WithinGraceAsync(_stopping.CancelAsync(), deadline).ConfigureAwait(false))
        {
            LogAbandoned(log, "cancelling setup and start");
        }

        // A failed setup or start has been logged already; only its end matters here.
        if (_setup is { } setup && !await WithinGraceAsync(setup, deadline, observeFailure: true).ConfigureAwait(false))
        {
            LogAbandoned(log, "setup");
        }

        if (start is not null && !await WithinGraceAsync(start, deadline).ConfigureAwait(false))
        {
            LogAbandoned(log, "start");
        }
    }

    private async Task RunShutdownHandlersAsync(CancellationToken deadline, ILogger log)
    {
        List<ShutdownHandler> handlers;
        lock (_gate)
        {
            handlers = _shutdownHandlers!;
            _shutdownHandlers = null;
        }

        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            var handler = handlers[i];
            await RunStepAsync(
                static (h, token) => h.Run(token),
                handler,
                $"shutdown handler {handler.Name}",
                static (log, h, ex) => log.Error(ex, "Error calling shutdown handler {Handler}", h.Name),
                deadline,
                log).ConfigureAwait(false);
        }
    }

    private async Task DisposeOwnedAsync(CancellationToken deadline, ILogger log)
    {
        List<object> owned;
        lock (_gate)
        {
            owned = _owned!;
            _owned = null;
        }

        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await RunStepAsync(
                static (resource, _) => DisposeAsync(resource),
                owned[i],
                $"disposal of {owned[i].GetType().Name}",
                (log, resource, ex) => log.Error(ex, "Error disposing {Resource} of server {ServerName}", resource.GetType().Name, ServerName),
                deadline,
                log).ConfigureAwait(false);
        }

        static Task DisposeAsync(object resource)
        {
            if (resource is IAsyncDisposable async)
            {
                return async.DisposeAsync().AsTask();
            }

            ((IDisposable)resource).Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Runs one step of the server's own code (a handler, a disposal) on the thread pool, in the shutdown's context, so
    /// that one which blocks its thread blocks a pool thread and not the shutdown. Within the grace period the shutdown
    /// waits for it, and names it as abandoned if the grace period ends first; a step that only starts once the grace
    /// period is over still runs, but is not waited for. A failure is logged either way, also one that comes after the
    /// shutdown stopped waiting.
    /// </summary>
    private static async Task RunStepAsync<TState>(
        Func<TState, CancellationToken, Task> step, TState state, string what, Action<ILogger, TState, Exception> onError, CancellationToken deadline, ILogger log)
    {
        var late = deadline.IsCancellationRequested;
        var work = Task.Run(() => step(state, deadline), CancellationToken.None);
        if (late)
        {
            LogWhenFaulted(work, state, onError, log);
            return;
        }

        try
        {
            if (!await WithinGraceAsync(work, deadline).ConfigureAwait(false))
            {
                LogAbandoned(log, what);
                LogWhenFaulted(work, state, onError, log);
            }
        }
        catch (Exception ex)
        {
            onError(log, state, ex);
        }
    }

    /// <summary>For a step no longer waited for: its failure, if it fails later, is still logged.</summary>
    private static void LogWhenFaulted<TState>(Task work, TState state, Action<ILogger, TState, Exception> onError, ILogger log) =>
        _ = work.ContinueWith(
            t => onError(log, state, t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>
    /// Waits for <paramref name="work"/> until the grace period is over: <see langword="false"/> if it is still running
    /// then. Faults of the work propagate unless <paramref name="observeFailure"/>; a cancellation when the grace period
    /// ends does not. Continuations always leave the completing thread, so a provider that fires timers inline
    /// (a fake clock in tests) never runs the rest of shutdown on its own thread.
    /// </summary>
    private static async Task<bool> WithinGraceAsync(Task work, CancellationToken deadline, bool observeFailure = false)
    {
        try
        {
            await work.WaitAsync(deadline).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Either the wait ended with the grace period, or the work itself stopped when its token (the same deadline)
            // was cancelled: only the first is an abandonment.
            return work.IsCompleted;
        }
        catch (Exception) when (observeFailure)
        {
        }

        return true;
    }

    private static void LogAbandoned(ILogger log, string what) =>
        log.Warning("Abandoned {What} still running after the shutdown grace period", what);

    private TimeSpan Remaining(long startedAt)
    {
        if (_shutdownGrace == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var left = _shutdownGrace - Clock.GetElapsedTime(startedAt);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void NotifyShutDown(ILogger log)
    {
        var observer = ShutDownObserver;
        ShutDownObserver = null;
        try
        {
            observer?.Invoke(this);
        }
        catch (Exception ex)
        {
            log.Error(ex, "Error notifying the host that server {ServerName} shut down", ServerName);
        }
    }
}
