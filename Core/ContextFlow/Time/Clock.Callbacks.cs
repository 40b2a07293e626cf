using System;
using System.Threading;

namespace ContextFlow.Time;

public sealed partial class Clock
{
    // The clocks whose callbacks are running on this thread, innermost last: Shutdown called from inside one of them
    // must not wait for callbacks, and a callback of one clock may start another's inline (LoopingCallNow).
    [ThreadStatic]
    private static Clock?[]? t_callbackClocks;

    [ThreadStatic]
    private static int t_callbackDepth;

    // Callbacks admitted and still running their synchronous part; Shutdown waits for it to reach 0.
    private int _inFlight;

    /// <summary>
    /// Admits a tracked callback, or refuses it once the clock is shutting down. The caller holds the lock, so the
    /// check and the admission are one step with respect to <see cref="Shutdown"/>.
    /// </summary>
    private bool TryAdmitLocked()
    {
        if (_isShutdown)
        {
            return false;
        }

        Interlocked.Increment(ref _inFlight);
        return true;
    }

    internal bool TryAdmit()
    {
        lock (_gate)
        {
            return TryAdmitLocked();
        }
    }

    /// <summary>Runs an admitted callback from the empty context, then lets a waiting Shutdown go on.</summary>
    internal void RunAdmitted(ContextCallback body, object state)
    {
        var clocks = t_callbackClocks ??= new Clock?[4];
        var depth = t_callbackDepth;
        if (depth == clocks.Length)
        {
            Array.Resize(ref clocks, depth * 2);
            t_callbackClocks = clocks;
        }

        clocks[depth] = this;
        t_callbackDepth = depth + 1;
        try
        {
            FreshContext.Run(body, state);
        }
        finally
        {
            clocks[depth] = null;
            t_callbackDepth = depth;
            ExitCallback();
        }
    }

    private void ExitCallback()
    {
        // Dekker with the shutdown's waits: either they see the count at 0, or this sees them waiting (both are full
        // fences).
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _shutdownWaiters) > 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
                CompleteDrainedLocked();
            }
        }
    }

    private bool IsInsideCallback()
    {
        var clocks = t_callbackClocks;
        for (var i = t_callbackDepth - 1; i >= 0; i--)
        {
            if (ReferenceEquals(clocks![i], this))
            {
                return true;
            }
        }

        return false;
    }
}
