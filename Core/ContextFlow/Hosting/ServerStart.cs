using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Hosting;

public abstract partial class Server
{
    /// <summary>
    /// One <see cref="StartAsync"/>: the start work begins once the process runs, unless it is given up first (the
    /// caller's token, or shutdown); exactly one of the two happens, and the caller's task follows whichever did.
    /// </summary>
    private sealed class ServerStart
    {
        private readonly Server _server;
        private readonly CancellationToken _cancellationToken;
        private readonly TaskCompletionSource _caller = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _giveUpOnCancel;
        private int _decided;

        public ServerStart(Server server, CancellationToken cancellationToken)
        {
            _server = server;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The caller's task: the start work's outcome, or cancelled if given up.</summary>
        public Task Task => _caller.Task;

        /// <summary>Completes once the start is over: given up, or its work ended. It never faults.</summary>
        public Task Ended => _ended.Task;

        public void Schedule()
        {
            _giveUpOnCancel = _cancellationToken.Register(static s => ((ServerStart)s!).GiveUp(), this);
            try
            {
                _server.Clock.CallWhenRunning(Begin);
            }
            catch (InvalidOperationException) when (_server._stopping.IsCancellationRequested)
            {
                // Shutdown stopped the clock in between; it gives the start up itself.
            }
        }

        /// <summary>Gives the start up if it has not begun: the server fails its start and the caller's task is cancelled.</summary>
        public void GiveUp()
        {
            if (Interlocked.Exchange(ref _decided, 1) != 0)
            {
                return;
            }

            _server.Advance(ServerState.Starting, ServerState.Failed);
            _caller.TrySetCanceled();
            _ended.TrySetResult();
        }

        // The clock's callback, in its fresh "call_when_running" context. The work's task is not kept: Ended reports it.
        [ContextBoundary("Starts the start work in the clock's fresh call_when_running context; Ended and the caller's task report it")]
        private void Begin()
        {
            if (Interlocked.Exchange(ref _decided, 1) != 0)
            {
                return;
            }

            _giveUpOnCancel.Dispose();
            _ = RunAsync();
        }

        // Never throws: the outcome goes to the caller's task, and shutdown only waits for the end.
        private async Task RunAsync()
        {
            try
            {
                await _server.RunStartAsync(_cancellationToken).ConfigureAwait(false);
                _caller.TrySetResult();
            }
            catch (OperationCanceledException ex)
            {
                _caller.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                _caller.TrySetException(ex);
            }
            finally
            {
                _ended.TrySetResult();
            }
        }
    }
}
