using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace ContextFlow.RateLimiting;

// The system wall clock in milliseconds at the OS tick's resolution, read as cheaply as the platform allows.
//
// A precise wall-clock read costs a serialising timestamp instruction (tens of nanoseconds on a VM) that also stalls
// the memory accesses in flight, and every BCL clock (DateTime.UtcNow, Environment.TickCount64, Stopwatch) is a
// P/Invoke whose GC transition is dozens of instructions; on a table of a million keys either one decides how many
// checks' cache misses can overlap. On Linux this reads CLOCK_REALTIME_COARSE through the vDSO, a few loads with no
// system call and no GC transition (SuppressGCTransition is safe: the call neither blocks nor calls back). Elsewhere
// it reads the OS tick count and re-anchors it to the wall clock every second, stepping by at most one tick then.
internal static unsafe partial class CoarseSystemTime
{
    private const int ClockRealtimeCoarse = 5;
    private const long ReanchorAfterMs = 1000;

    private static readonly bool s_useCoarseClock = OperatingSystem.IsLinux() && ProbeCoarseClock();

    private static Anchor s_anchor = new(Environment.TickCount64, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());

    public static long NowMs()
    {
        if (s_useCoarseClock)
        {
            TimeSpec ts;
            clock_gettime(ClockRealtimeCoarse, &ts);
            return (ts.Seconds * 1000) + (ts.Nanoseconds / 1_000_000);
        }

        return FromTickCount();
    }

    private static long FromTickCount()
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

    // The coarse clock exists since Linux 2.6.32; a sandbox that hides it (or libc) falls back to the tick count.
    private static bool ProbeCoarseClock()
    {
        try
        {
            TimeSpec ts;
            return clock_gettime(ClockRealtimeCoarse, &ts) == 0 && ts.Seconds > 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    [SuppressGCTransition]
    private static partial int clock_gettime(int clockId, TimeSpec* time);

    private sealed class Anchor(long tick, long unixMs)
    {
        public long Tick { get; } = tick;

        public long UnixMs { get; } = unixMs;
    }
}
