using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Hosting;

public abstract partial class Server
{
    // The start work runs at most once: it begins (Begun), or it is given up before it could (Abandoned) because the
    // caller cancelled or the server shut down while it waited for the process to run.
    private const int StartWaiting = 0;
    private const int StartBegun = 1;
    private const int StartAbandoned = 2;

    private TaskCompletionSource? _started;
    private CancellationTokenRegistration _startCancellation;
    private int _startPhase;
    private Task? _startRun;

    /// <summary>
    /// Starts the server: <see cref="OnStartAsync"/> runs through <see cref="Clock.CallWhenRunning(Action)"/>, at once if the
    /// process is already running (a server provisioned into a live process), otherwise when it starts. A failing
    /// start is logged (<c>"Error during startup"</c>) and fails the returned task; the server is then
    /// <see cref="ServerState.Failed"/> and <see cref="ShutdownAsync"/> still cleans up.
    /// </summary>
    /// <param name="cancellationToken">Gives up the start if it has not begun yet (the task ends cancelled and the
    /// server is <see cref="ServerState.Failed"/>); passed on to the start work otherwise.</param>
    /// <returns>A task that ends when the start work has; cancelled if the server shuts down before it could begin.</returns>
    /// <exception cref="InvalidOperationException">The server is not <see cref="ServerState.SetUp"/>.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource started;
        lock (_gate)
        {
            if (_state != ServerState.SetUp)
            {
                throw new InvalidOperationException($"Cannot start server {ServerName}: it is {_state}, not {ServerState.SetUp}");
            }

            _state = ServerState.Starting;
            _started = started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _startCancellation = cancellationToken.Register(static s => ((Server)s!).AbandonStart(), this);
        try
        {
            Clock.CallWhenRunning(() => _startRun = RunStartAsync(cancellationToken));
        }
        catch (InvalidOperationException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown stopped the clock in between; it gives the start up itself.
        }

        return started.Task;
    }

    /// <summary>Gives the start up if it has not begun: the caller's task ends cancelled.</summary>
    private void AbandonStart()
    {
        if (Interlocked.CompareExchange(ref _startPhase, StartAbandoned, StartWaiting) != StartWaiting)
        {
            return;
        }

        Advance(ServerState.Starting, ServerState.Failed);
        _started?.TrySetCanceled();
    }

    // Runs in the fresh "call_when_running" context the clock gives the callback; continuations keep it.
    private async Task RunStartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _startPhase, StartBegun, StartWaiting) != StartWaiting)
        {
            return;
        }

        await _startCancellation.DisposeAsync().ConfigureAwait(false);
        var started = _started!;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await OnStartAsync(linked.Token).ConfigureAwait(false);
            Advance(ServerState.Starting, ServerState.Running);
            Log.ForContext<Server>().Information("Server {ServerName} started", ServerName);
            started.TrySetResult();
        }
        catch (Exception ex)
        {
            Advance(ServerState.Starting, ServerState.Failed);
            Log.ForContext<Server>().Error(ex, "Error during startup of server {ServerName}", ServerName);
            if (ex is OperationCanceledException && linked.IsCancellationRequested)
            {
                started.TrySetCanceled(linked.Token);
            }
            else
            {
                started.TrySetException(ex);
            }
        }
    }
}
