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
    private Task? _shutdownRun;

    /// <summary>
    /// Shuts the server down and releases everything it holds, in a fresh <c>"shutdown"</c> context of the server (never
    /// the caller's), in this order: refuse new work and log <c>"Received shutdown request for {server} ({instance
    /// id})"</c>; cancel a setup or start in progress and wait for it; run the shutdown handlers, the last registered
    /// first; stop the clock (every tracked delayed call and looping call); cancel and await the background processes;
    /// dispose the registered resources, the last registered first. Afterwards, starting a background process, a
    /// delayed call or a looping call throws, no timer of the server fires, and nothing the library holds keeps the
    /// server alive.
    /// </summary>
    /// <remarks>
    /// The whole shutdown waits at most the configuration's <see cref="ServerConfig.ShutdownGracePeriod"/> for the
    /// server's own code; whatever is still running then is logged and abandoned. Errors are logged and never stop the
    /// rest of shutdown. It is safe after a failed setup, idempotent and safe to call concurrently: every call returns
    /// the same task. Called from inside the shutdown itself (a shutdown handler), it returns a completed task, since
    /// waiting there for the shutdown to end would never end. A background process of this server that awaits it holds
    /// it up for the grace period: start the shutdown and return instead.
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

    private void BeginShutdown()
    {
        // Inside FreshContext.Run: none of the caller's AsyncLocals, and (restored on leaving) no caller's
        // synchronization context to pull the shutdown's continuations back to it.
        SynchronizationContext.SetSynchronizationContext(null);
        _shutdownRun = RunShutdownAsync();
    }

    private async Task RunShutdownAsync()
    {
        // The caller gets its task back at once, whatever the handlers below do.
        await Task.Yield();
        using var scope = _shutdownContext!.Enter();
        var log = Log.ForContext<Server>();
        var startedAt = _timeProvider.GetTimestamp();
        using var deadline = new CancellationTokenSource(_shutdownGrace, _timeProvider);
        try
        {
            log.Information("Received shutdown request for {ServerName} ({InstanceId})", ServerName, InstanceId);
            await StopSetupAndStartAsync(deadline.Token, log).ConfigureAwait(false);
            await RunShutdownHandlersAsync(deadline.Token, log).ConfigureAwait(false);
            Clock.Shutdown();
            await BackgroundProcesses.ShutdownAsync(Remaining(startedAt)).ConfigureAwait(false);
            await DisposeOwnedAsync(deadline.Token, log).ConfigureAwait(false);
            lock (_gate)
            {
                _state = ServerState.ShutDown;
            }

            log.Information("Server {ServerName} ({InstanceId}) shut down in {Elapsed:0.000} s",
                ServerName, InstanceId, _timeProvider.GetElapsedTime(startedAt).TotalSeconds);
        }
        catch (Exception ex)
        {
            log.Error(ex, "Shutting down server {ServerName} failed", ServerName);
        }
        finally
        {
            _stopping.Dispose();
            NotifyShutDown(log);
            _shutDown.TrySetResult();
        }
    }

    private async Task StopSetupAndStartAsync(CancellationToken deadline, ILogger log)
    {
        AbandonStart();
        await WithinGraceAsync(_stopping.CancelAsync(), deadline, "cancelling setup and start", log).ConfigureAwait(false);
        if (_setup is { } setup)
        {
            // A failed setup has been logged already; only its end matters here.
            await WithinGraceAsync(setup, deadline, "setup", log, observeFailure: true).ConfigureAwait(false);
        }

        if (_startRun is { } start)
        {
            await WithinGraceAsync(start, deadline, "start", log).ConfigureAwait(false);
        }
    }

    private async Task RunShutdownHandlersAsync(CancellationToken deadline, ILogger log)
    {
        List<Func<CancellationToken, Task>> handlers;
        lock (_gate)
        {
            handlers = _shutdownHandlers!;
            _shutdownHandlers = null;
        }

        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            try
            {
                await WithinGraceAsync(handlers[i](deadline), deadline, "shutdown handler", log).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                log.Error(ex, "Error calling shutdown handler");
            }
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
            try
            {
                var disposal = owned[i] is IAsyncDisposable async ? async.DisposeAsync().AsTask() : Dispose((IDisposable)owned[i]);
                await WithinGraceAsync(disposal, deadline, owned[i].GetType().Name, log).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                log.Error(ex, "Error disposing {Resource} of server {ServerName}", owned[i].GetType().Name, ServerName);
            }
        }

        static Task Dispose(IDisposable disposable)
        {
            disposable.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Waits for <paramref name="work"/> until the grace period is over, then logs it as abandoned. Faults of the work
    /// propagate unless <paramref name="observeFailure"/>; a cancellation caused by the grace period ending does not.
    /// Continuations always leave the completing thread, so a provider that fires timers inline (a fake clock in
    /// tests) never runs the rest of shutdown on its own thread.
    /// </summary>
    private static async Task WithinGraceAsync(Task work, CancellationToken deadline, string what, ILogger log, bool observeFailure = false)
    {
        try
        {
            await work.WaitAsync(deadline).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            log.Warning("Abandoned {What} still running after the shutdown grace period", what);
        }
        catch (Exception) when (observeFailure)
        {
        }
    }

    private TimeSpan Remaining(long startedAt)
    {
        if (_shutdownGrace == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var left = _shutdownGrace - _timeProvider.GetElapsedTime(startedAt);
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
