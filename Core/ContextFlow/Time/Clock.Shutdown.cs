using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Time;

public sealed partial class Clock
{
    // Shutdown calls waiting (in WaitForCallbacks, or through _drained) for the callbacks in flight to finish.
    private int _shutdownWaiters;

    // Set once the first Shutdown has cancelled everything; later calls wait for it.
    private bool _cancelled;

    // Completed once cancelled with no callback in flight, for the shutdown of a server, which bounds its wait.
    private TaskCompletionSource? _drained;

    // The loops the shutdown stopped, to name those still running when a server stops waiting for them.
    private LoopingCallRunner[]? _stoppedLoopingCalls;

    /// <summary>
    /// Cancels every tracked delayed call, stops every looping call, ends pending sleeps as cancelled and drops waiting
    /// <see cref="CallWhenRunning(Action)"/> callbacks, then waits for the callbacks already running. Afterwards scheduling
    /// throws <see cref="InvalidOperationException"/> (<see cref="SleepAsync"/> returns a cancelled task). Calling it
    /// again, from any thread, waits as the first call does and changes nothing more.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>The guarantee.</b> Once <see cref="Shutdown"/> returns, no callback of this clock starts, and none is still
    /// running its synchronous part on another thread. That covers delayed calls (both overloads), looping calls
    /// (including a <see cref="LoopingCallNow(TimeSpan, Func{Task})"/> whose first run was about to start),
    /// <see cref="CallWhenRunning(Action)"/> callbacks, the timeouts of <c>TimeoutAsync</c>, and timer callbacks that the
    /// provider has already dispatched to a thread but that have not started yet: those are dropped. Calls made with
    /// <c>cancelOnShutdown: false</c> are outside it: they run even after shutdown.
    /// </para>
    /// <para>
    /// <b>What it runs, and what it waits for.</b> Cancelling runs none of your code: sleeps it ends complete on the
    /// thread pool, so their continuations never run inside <see cref="Shutdown"/>. A callback that has started is not
    /// interrupted: Shutdown waits for the synchronous part of callbacks running on other threads to return (as
    /// disposing a <see cref="CancellationTokenRegistration"/> waits for its callback), however long that takes, and
    /// does not wait for the task an async callback returned, which goes on after Shutdown has returned. So do not call
    /// Shutdown while holding a lock that a callback may wait for. A server's shutdown does not wait without bound: it
    /// stops its clock this way but gives running callbacks only what is left of the server's grace period, then names
    /// the ones still running in its log and goes on (see <c>docs/hosting.md</c>).
    /// </para>
    /// <para>
    /// <b>From inside a callback.</b> Called from one of this clock's own callbacks, Shutdown does not wait for other
    /// callbacks in progress (it cannot wait for itself, and two callbacks shutting the clock down at once must not wait
    /// for each other); it still returns only once nothing new can start.
    /// </para>
    /// </remarks>
    public void Shutdown()
    {
        Cancel();
        WaitForCallbacks(inside: IsInsideCallback());
    }

    /// <summary>
    /// Shuts the clock down as <see cref="Shutdown"/> does, but returns a task for the wait: it completes once no
    /// callback of the clock is running its synchronous part (at once from inside one of them), so a server's shutdown
    /// can bound the wait by its grace period instead of blocking on a callback that never returns.
    /// </summary>
    internal Task ShutdownAsync()
    {
        Cancel();
        return IsInsideCallback() ? Task.CompletedTask : CallbacksDrained();
    }

    /// <summary>Describes the callbacks running their synchronous part now, for a shutdown that stopped waiting for them.</summary>
    internal string DescribeRunningCallbacks()
    {
        LoopingCallRunner[] loops;
        lock (_gate)
        {
            loops = _stoppedLoopingCalls ?? [];
        }

        var running = Volatile.Read(ref _inFlight);
        var named = loops.Where(loop => loop.IsInCallback).Select(loop => $"looping call {loop.CallbackName}").ToList();
        if (running > named.Count)
        {
            named.Add($"{running - named.Count} delayed or start-up callbacks");
        }

        return string.Join(", ", named);
    }

    /// <summary>
    /// The first part of shutdown, done once: refuse new work, cancel what is scheduled, drop waiting start-up callbacks.
    /// Runs no user code.
    /// </summary>
    private void Cancel()
    {
        DelayedCall? delayedCalls = null;
        LoopingCallRunner[]? loopingCalls = null;
        lock (_gate)
        {
            if (!_isShutdown)
            {
                _isShutdown = true;
                delayedCalls = _delayedCalls.Detach();
                loopingCalls = _stoppedLoopingCalls = [.. _loopingCalls];
                _loopingCalls.Clear();
            }
        }

        if (loopingCalls is not null)
        {
            // Outside the lock: disposing a timer is the provider's code. Loops first, so that a run whose sleep ends
            // cancelled below finds its loop already stopped. The detached chain is ours alone now.
            foreach (var loop in loopingCalls)
            {
                loop.StopCore();
            }

            TrackedCalls.CancelAll(delayedCalls);

            _running.RemoveAll(this);
            MarkCancelled();
        }
    }

    /// <summary>
    /// Waits until the first Shutdown has cancelled everything and, unless this thread is inside one of this clock's
    /// callbacks, until no callback is running its synchronous part. Nothing waited for here runs while holding the
    /// lock: cancelling runs no user code, and callbacks only take the lock to leave.
    /// </summary>
    private void WaitForCallbacks(bool inside)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _shutdownWaiters);
            try
            {
                while (!_cancelled || (!inside && Volatile.Read(ref _inFlight) > 0))
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _shutdownWaiters);
            }
        }
    }

    private void MarkCancelled()
    {
        lock (_gate)
        {
            _cancelled = true;
            Monitor.PulseAll(_gate);
            CompleteDrainedLocked();
        }
    }

    private Task CallbacksDrained()
    {
        lock (_gate)
        {
            if (_cancelled && Volatile.Read(ref _inFlight) == 0)
            {
                return Task.CompletedTask;
            }

            if (_drained is null)
            {
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Increment(ref _shutdownWaiters);
            }

            return _drained.Task;
        }
    }

    private void CompleteDrainedLocked()
    {
        if (_drained is { } drained && _cancelled && Volatile.Read(ref _inFlight) == 0)
        {
            _drained = null;
            Interlocked.Decrement(ref _shutdownWaiters);
            drained.TrySetResult();
        }
    }
}
