using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;

namespace ContextFlow.Hosting;

public abstract partial class Server
{
    private ServerStart? _start;

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
        ServerStart start;
        lock (_gate)
        {
            if (_state != ServerState.SetUp)
            {
                throw new InvalidOperationException($"Cannot start server {ServerName}: it is {_state}, not {ServerState.SetUp}");
            }

            _state = ServerState.Starting;
            _start = start = new ServerStart(this, cancellationToken);
        }

        start.Schedule();
        return start.Task;
    }

    /// <summary>Gives a start that has not begun up, for shutdown; a task that completes once the start is over.</summary>
    private Task? AbandonStart()
    {
        var start = Volatile.Read(ref _start);
        start?.GiveUp();
        return start?.Ended;
    }

    // Runs in the fresh "call_when_running" context the clock gives the start; its continuations keep it.
    private async Task RunStartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await OnStartAsync(linked.Token).ConfigureAwait(false);
            Advance(ServerState.Starting, ServerState.Running);
            Serilog.Log.ForContext<Server>().Information("Server {ServerName} started", ServerName);
        }
        catch (Exception ex)
        {
            Advance(ServerState.Starting, ServerState.Failed);
            Serilog.Log.ForContext<Server>().Error(ex, "Error during startup of server {ServerName}", ServerName);
            if (ex is OperationCanceledException && linked.IsCancellationRequested)
            {
                throw new OperationCanceledException($"The start of server {ServerName} was cancelled", ex, linked.Token);
            }

            throw;
        }
    }
}
