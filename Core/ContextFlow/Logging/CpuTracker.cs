using System;
using System.Threading;
using Serilog;

namespace ContextFlow;

/// <summary>
/// Charges each thread's CPU time to whichever context was current on it between two switches.
/// </summary>
/// <remarks>
/// .NET continuations hop threads and one context can be current on several threads at once, so accounting
/// is per thread segment: the AsyncLocal change handler calls <see cref="Switch"/> on every change of the
/// current context on a thread (explicit scopes and the runtime restoring an ExecutionContext alike).
/// The handler runs inside the runtime's context switch, where an exception would end the process, so
/// nothing here throws.
/// </remarks>
internal static class CpuTracker
{
    // Bumped on every toggle, so a segment opened before tracking was switched off is never charged later.
    private static int s_epoch;

    [ThreadStatic]
    private static LoggingContext? t_segmentContext;

    [ThreadStatic]
    private static long t_segmentStart;

    [ThreadStatic]
    private static int t_segmentEpoch;

    public static volatile bool Enabled;

    public static void SetEnabled(bool enabled)
    {
        Interlocked.Increment(ref s_epoch);
        Enabled = enabled && ThreadCpuClock.IsSupported;
    }

    public static void Switch(LoggingContext? next)
    {
        try
        {
            var now = ThreadCpuClock.NowTicks();
            var epoch = Volatile.Read(ref s_epoch);
            if (t_segmentContext is { } previous && t_segmentEpoch == epoch)
            {
                Charge(previous, now - t_segmentStart);
            }

            t_segmentContext = next;
            t_segmentStart = now;
            t_segmentEpoch = epoch;
        }
        catch (Exception ex)
        {
            Log.ForContext<LoggingContext>().Error(ex, "CPU accounting failed on a context switch");
        }
    }

    /// <summary>The CPU time of the calling thread's open segment, if it is charged to <paramref name="context"/>.</summary>
    public static long InFlightTicks(LoggingContext context)
    {
        if (!Enabled || t_segmentEpoch != Volatile.Read(ref s_epoch))
        {
            return 0;
        }

        for (var c = t_segmentContext; c is not null; c = c.Parent)
        {
            if (ReferenceEquals(c, context))
            {
                return Math.Max(0, ThreadCpuClock.NowTicks() - t_segmentStart);
            }
        }

        return 0;
    }

    internal static void Charge(LoggingContext context, long ticks)
    {
        if (ticks < 0)
        {
            Log.ForContext<LoggingContext>().Error(
                "CPU time went backwards in {Context}: {Ticks} ticks; counted as zero", context.Name, ticks);
            return;
        }

        context.AddCpuTicks(ticks);
    }
}
