using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// Measures what BenchmarkDotNet cannot show as a column: the memory one live key keeps (GC heap before and after
/// adding the keys, after full collections) and the CPU a process spends over an idle window with every key live,
/// the limiters' own timers running on the real clock (ContextFlow's 15 s prune, the full scan's 15 s prune, the
/// partitioned limiter's 100 ms heartbeat).
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- ratelimiter-footprint [keys] [idle seconds]</c>
/// </remarks>
internal static class RatelimiterFootprint
{
    public static void Run(string[] args)
    {
        var keys = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var idle = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 31);
        Console.WriteLine($"Ratelimiter footprint: {keys:N0} live keys, idle window {idle.TotalSeconds:F0} s, {Environment.ProcessorCount} cores");
        Console.WriteLine($"| limiter | retained bytes/key | allocated bytes/key | idle CPU (% of a core) |");
        Console.WriteLine($"|---|---:|---:|---:|");

        var baseline = IdleCpu(idle);
        Console.WriteLine($"| (nothing: runtime alone) | — | — | {baseline:F3} % |");

        Measure("ContextFlow Ratelimiter (wheel prune)", keys, idle, () =>
        {
            var limiter = RatelimiterSubjects.ContextFlow(RatelimiterSubjects.IdleRateHz, RatelimiterSubjects.IdleBurst);
            for (var key = 0L; key < keys; key++)
            {
                limiter.CanDoAction(key);
            }

            return limiter;
        });
        Measure("Full-scan prune", keys, idle, () =>
        {
            var limiter = RatelimiterSubjects.FullScan(RatelimiterSubjects.IdleRateHz, RatelimiterSubjects.IdleBurst);
            for (var key = 0L; key < keys; key++)
            {
                limiter.CanDoAction(key);
            }

            return limiter;
        });
        Measure("PartitionedRateLimiter (token bucket per key)", keys, idle, () =>
        {
            var limiter = RatelimiterSubjects.Partitioned(RatelimiterSubjects.IdleBurst, TimeSpan.FromHours(1));
            for (var key = 0L; key < keys; key++)
            {
                using var lease = limiter.AttemptAcquire(key);
            }

            return limiter;
        });
    }

    private static void Measure(string name, int keys, TimeSpan idle, Func<object> build)
    {
        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var limiter = build();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;
        var cpu = IdleCpu(idle);
        Console.WriteLine($"| {name} | {(double)retained / keys:F1} | {(double)allocated / keys:F1} | {cpu:F3} % |");
        GC.KeepAlive(limiter);
        (limiter as IDisposable)?.Dispose();
    }

    private static double IdleCpu(TimeSpan window)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        Thread.Sleep(window);
        process.Refresh();
        return 100 * (process.TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
    }
}
