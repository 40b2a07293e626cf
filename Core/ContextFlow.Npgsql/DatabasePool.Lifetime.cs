using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Npgsql;

public sealed partial class DatabasePool
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Interactions in flight, plus one for the pool itself, released by shutdown: the count reaches zero only once
    // shutdown has begun and the last interaction has left, whichever comes last.
    private long _inFlight = 1;

    // Set once, by the first shutdown; its presence is what "shut down" means, so a late interaction sees it.
    private TaskCompletionSource? _shutdownCompletion;

    private bool IsShutDown => Volatile.Read(ref _shutdownCompletion) is not null;

    /// <summary>
    /// Shuts the pool down: stops the <see cref="StartProfiling"/> report, cancels the interactions in flight (they
    /// roll back), waits for them to finish, then disposes the data source. Afterwards every call throws
    /// <see cref="ObjectDisposedException"/>. Calling it again returns the same shutdown.
    /// </summary>
    /// <returns>A task that completes when nothing of the pool is left running.</returns>
    public Task ShutdownAsync()
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _shutdownCompletion, completion, null);
        return existing is null ? ShutdownCoreAsync(completion) : existing.Task;
    }

    /// <summary>Shuts the pool down, as <see cref="ShutdownAsync"/> does.</summary>
    /// <returns>A task that completes when nothing of the pool is left running.</returns>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    private async Task ShutdownCoreAsync(TaskCompletionSource completion)
    {
        try
        {
            StopProfiling();

            // CancelAsync: Npgsql's cancellation callbacks (which talk to the server) run off this thread.
            await _shutdown.CancelAsync().ConfigureAwait(false);
            Exit();
            await _drained.Task.ConfigureAwait(false);
            _shutdown.Dispose();
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            completion.TrySetResult();
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
            throw;
        }
    }

    private bool TryEnter()
    {
        // Count first, then look: a shutdown that began in between either sees this interaction or is seen by it.
        Interlocked.Increment(ref _inFlight);
        if (IsShutDown)
        {
            Exit();
            return false;
        }

        return true;
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
