using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ContextFlow.RateLimiting;

// The system wall clock in milliseconds, read from the OS tick count and re-anchored to the wall clock every second.
// A precise wall-clock read costs a serialising timestamp instruction (tens of nanoseconds on a VM) that also stalls
// the memory accesses in flight, so on a table of a million keys it doubles the cost of a check; the tick count is a
// plain read. The price is the OS tick's resolution (1-16 ms) and, at each re-anchoring, a step of at most one tick.
internal static class CoarseSystemTime
{
    private const long ReanchorAfterMs = 1000;

    private static Anchor s_anchor = new(Environment.TickCount64, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());

    public static long NowMs()
    {
        var tick = Environment.TickCount64;
        var anchor = Volatile.Read(ref s_anchor);
        var elapsed = tick - anchor.Tick;
        return (ulong)elapsed <= ReanchorAfterMs ? anchor.UnixMs + elapsed : Reanchor(tick);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Reanchor(long tick)
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        Volatile.Write(ref s_anchor, new Anchor(tick, now));
        return now;
    }

    private sealed class Anchor(long tick, long unixMs)
    {
        public long Tick { get; } = tick;

        public long UnixMs { get; } = unixMs;
    }
}
