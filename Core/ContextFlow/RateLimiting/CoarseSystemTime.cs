using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace ContextFlow.RateLimiting;

// The system's monotonic clock in milliseconds at the OS tick's resolution, read as cheaply as the platform allows,
// plus the offset that turns it into wall-clock (Unix) time for the values handed to users.
//
// Buckets and pruning run on the monotonic clock, so a wall-clock step (NTP, a manual change, a resumed VM) neither
// denies nor forgives anyone and never makes keys outlive their bucket. The monotonic reading is shifted so that it
// starts at the wall-clock time of process start: without steps the two agree to within drift.
//
// A precise clock read costs a serialising timestamp instruction (tens of nanoseconds on a VM) that also stalls the
// memory accesses in flight, and every BCL clock (DateTime.UtcNow, Environment.TickCount64, Stopwatch) is a P/Invoke
// whose GC transition is dozens of instructions; on a table of a million keys either one decides how many checks'
// cache misses can overlap. On Linux this reads CLOCK_MONOTONIC_COARSE through the vDSO, a few loads with no system
// call and no GC transition (SuppressGCTransition is safe: the call neither blocks nor calls back). Elsewhere it
// reads the OS tick count. The wall-clock offset is re-read at most once a second, so a step shows in the times
// handed out within a second.
internal static unsafe partial class CoarseSystemTime
{
    private const int ClockRealtimeCoarse = 5;
    private const int ClockMonotonicCoarse = 6;
    private const long RefreshOffsetAfterMs = 1000;

    private static readonly bool s_useCoarseClock = OperatingSystem.IsLinux() && ProbeCoarseClocks();

    // Added to the raw monotonic reading so that it starts at the wall-clock time of process start.
    private static readonly long s_shift = ReadWallMs() - ReadMonotonicRawMs();

    private static Offset s_offset = new(long.MinValue / 2, 0);

    /// <summary>Monotonic milliseconds, on the Unix timescale of process start.</summary>
    public static long MonotonicMs() => ReadMonotonicRawMs() + s_shift;

    /// <summary>What to add to <see cref="MonotonicMs"/> (read as <paramref name="nowMs"/>) for wall-clock Unix milliseconds.</summary>
    public static long WallOffsetMs(long nowMs)
    {
        var offset = Volatile.Read(ref s_offset);
        return (ulong)(nowMs - offset.ReadAtMs) <= RefreshOffsetAfterMs ? offset.Ms : Refresh(nowMs);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Refresh(long nowMs)
    {
        var ms = ReadWallMs() - nowMs;
        Volatile.Write(ref s_offset, new Offset(nowMs, ms));
        return ms;
    }

    private static long ReadMonotonicRawMs()
    {
        if (s_useCoarseClock)
        {
            TimeSpec ts;
            clock_gettime(ClockMonotonicCoarse, &ts);
            return (ts.Seconds * 1000) + (ts.Nanoseconds / 1_000_000);
        }

        return Environment.TickCount64;
    }

    private static long ReadWallMs()
    {
        if (s_useCoarseClock)
        {
            TimeSpec ts;
            clock_gettime(ClockRealtimeCoarse, &ts);
            return (ts.Seconds * 1000) + (ts.Nanoseconds / 1_000_000);
        }

        return TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
    }

    // The coarse clocks exist since Linux 2.6.32; a sandbox that hides them (or libc) falls back to the tick count.
    private static bool ProbeCoarseClocks()
    {
        try
        {
            TimeSpec ts;
            return clock_gettime(ClockRealtimeCoarse, &ts) == 0 && ts.Seconds > 0 && clock_gettime(ClockMonotonicCoarse, &ts) == 0;
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

    private sealed class Offset(long readAtMs, long ms)
    {
        public long ReadAtMs { get; } = readAtMs;

        public long Ms { get; } = ms;
    }
}
