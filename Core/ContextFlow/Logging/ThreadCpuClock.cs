using System;
using System.Runtime.InteropServices;

namespace ContextFlow;

/// <summary>
/// Reads the calling thread's CPU time from the OS. No library exposes a per-thread CPU clock
/// (<see cref="System.Diagnostics.ProcessThread"/> allocates and lists every thread), so this is a thin P/Invoke:
/// <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> on Linux, <c>GetThreadTimes</c> on Windows.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether this platform has a per-thread CPU clock; elsewhere CPU accounting stays off.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsWindows();

    /// <summary>The calling thread's user + system CPU time, in <see cref="TimeSpan"/> ticks.</summary>
    public static long NowTicks()
    {
        if (OperatingSystem.IsLinux())
        {
            return clock_gettime(ClockThreadCpuTimeId, out var ts) == 0
                ? (ts.Seconds * TimeSpan.TicksPerSecond) + (ts.Nanoseconds / 100)
                : 0;
        }

        if (OperatingSystem.IsWindows())
        {
            return GetThreadTimes(GetCurrentThread(), out _, out _, out var kernel, out var user)
                ? kernel + user
                : 0;
        }

        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [LibraryImport("kernel32")]
    private static partial nint GetCurrentThread();

    [LibraryImport("kernel32")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(nint thread, out long creation, out long exit, out long kernel, out long user);
}
