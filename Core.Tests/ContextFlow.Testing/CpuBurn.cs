using System;
using System.Diagnostics;

namespace ContextFlow.Tests.Support;

/// <summary>Keeps the calling thread busy for an amount of its own CPU time.</summary>
public static class CpuBurn
{
    /// <summary>
    /// Burns <paramref name="cpu"/> of thread CPU time, not wall time, so a busy machine cannot starve the measurement.
    /// Gives up after 10 s of wall time where no thread CPU clock exists. Returns the work so it cannot be elided.
    /// </summary>
    public static double For(TimeSpan cpu)
    {
        var start = ThreadCpuClock.NowTicks();
        var wall = Stopwatch.StartNew();
        var x = 0.0;
        while (ThreadCpuClock.NowTicks() - start < cpu.Ticks && wall.Elapsed < TimeSpan.FromSeconds(10))
        {
            for (var i = 0; i < 1000; i++)
            {
                x += Math.Sqrt(x + i);
            }
        }

        return x;
    }
}
