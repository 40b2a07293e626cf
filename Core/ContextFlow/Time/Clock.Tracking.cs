using System.Threading;

namespace ContextFlow.Time;

public sealed partial class Clock
{
    internal void Untrack(DelayedCall call)
    {
        lock (_gate)
        {
            UnlinkLocked(call);
        }
    }

    /// <summary>
    /// For a tracked call that has just fired: stops tracking it and, with <paramref name="admit"/>, admits its callback.
    /// <see langword="false"/> once the clock is shutting down, in which case the callback must not start.
    /// </summary>
    internal bool UntrackAndAdmit(DelayedCall call, bool admit)
    {
        lock (_gate)
        {
            if (_isShutdown)
            {
                return false;
            }

            UnlinkLocked(call);
            if (admit)
            {
                Interlocked.Increment(ref _inFlight);
            }

            return true;
        }
    }

    private void UnlinkLocked(DelayedCall call)
    {
        if (!call.IsLinked)
        {
            return;
        }

        if (call.Previous is null)
        {
            _delayedCalls = call.Next;
        }
        else
        {
            call.Previous.Next = call.Next;
        }

        if (call.Next is not null)
        {
            call.Next.Previous = call.Previous;
        }

        call.Previous = call.Next = null;
        call.IsLinked = false;
        _delayedCallCount--;
    }

    /// <summary>
    /// Empties the tracked list and returns its chain; the caller holds the lock. Every call is marked unlinked first,
    /// so a call firing concurrently leaves the chain's links alone while shutdown walks it without the lock.
    /// </summary>
    private DelayedCall? DetachDelayedCalls()
    {
        var head = _delayedCalls;
        for (var call = head; call is not null; call = call.Next)
        {
            call.IsLinked = false;
        }

        _delayedCalls = null;
        _delayedCallCount = 0;
        return head;
    }

    /// <summary>Adds a call to the tracked list; the caller holds the lock.</summary>
    private void Link(DelayedCall call)
    {
        call.Next = _delayedCalls;
        if (_delayedCalls is not null)
        {
            _delayedCalls.Previous = call;
        }

        _delayedCalls = call;
        call.IsLinked = true;
        _delayedCallCount++;
    }

    internal void Untrack(LoopingCallRunner loop)
    {
        lock (_gate)
        {
            _loopingCalls.Remove(loop);
        }
    }
}
