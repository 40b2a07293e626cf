using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace ContextFlow.Benchmarks.Database;

/// <summary>
/// The companion of <see cref="InteractionBenchmarks"/> for a busy machine: the same two operations (its
/// <c>RawSelectOne</c> and <c>RunInteractionSelectOne</c>, on one data source and so on one server backend), run in
/// alternating pairs and timed one by one, so that load which comes and goes hits both sides of every pair alike.
/// BenchmarkDotNet runs each side in a process of its own, minutes apart; on two cores shared with other builds that
/// spread exceeds the few percent to be measured. Prints quantiles of each side's per-operation time, their ratios, the
/// median of the per-pair ratios, and the bytes each side allocates per operation.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- database-pairs [pairs]</c> with
/// <c>CONTEXTFLOW_TEST_POSTGRES</c> set, or <c>benchmarks/ContextFlow.Benchmarks/Database/run.sh pairs [pairs]</c>.
/// </remarks>
public static class InteractionPairs
{
    public static void Run(string[] args) => RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000)
        .GetAwaiter().GetResult();

    private static async Task RunAsync(int pairs)
    {
        var benchmarks = new InteractionBenchmarks();
        benchmarks.Setup();
        try
        {
            Func<Task> raw = benchmarks.RawSelectOne;
            Func<Task> pool = benchmarks.RunInteractionSelectOne;
            for (var i = 0; i < 2_000; i++)
            {
                await raw();
                await pool();
            }

            var rawTicks = new long[pairs];
            var poolTicks = new long[pairs];
            for (var i = 0; i < pairs; i++)
            {
                // Alternate which goes first, so neither side always follows the other.
                if ((i & 1) == 0)
                {
                    rawTicks[i] = await TimeAsync(raw);
                    poolTicks[i] = await TimeAsync(pool);
                }
                else
                {
                    poolTicks[i] = await TimeAsync(pool);
                    rawTicks[i] = await TimeAsync(raw);
                }
            }

            Console.WriteLine($"{pairs:N0} alternating pairs, load average {LoadAverage()}");
            Console.WriteLine("| quantile | raw Npgsql | RunInteractionAsync | ratio |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var q in new[] { 0.10, 0.25, 0.50, 0.75, 0.90 })
            {
                var (r, p) = (Quantile(rawTicks, q), Quantile(poolTicks, q));
                Console.WriteLine($"| {q:0.00} | {r:0.0} us | {p:0.0} us | {p / r:0.000} |");
            }

            var ratios = Enumerable.Range(0, pairs).Select(i => (double)poolTicks[i] / rawTicks[i]).Order().ToArray();
            Console.WriteLine($"median of per-pair ratios: {ratios[pairs / 2]:0.000}");
            Console.WriteLine($"allocated per operation: raw {await AllocatedAsync(raw)} B, RunInteractionAsync {await AllocatedAsync(pool)} B");
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    private static async Task<long> TimeAsync(Func<Task> operation)
    {
        var start = Stopwatch.GetTimestamp();
        await operation();
        return Stopwatch.GetTimestamp() - start;
    }

    private static async Task<long> AllocatedAsync(Func<Task> operation)
    {
        const int Operations = 2_000;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Operations; i++)
        {
            await operation();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / Operations;
    }

    private static double Quantile(long[] ticks, double q)
    {
        var sorted = ticks.Order().ToArray();
        return sorted[(int)(q * (sorted.Length - 1))] * 1e6 / Stopwatch.Frequency;
    }

    private static string LoadAverage() =>
        System.IO.File.Exists("/proc/loadavg") ? string.Join(' ', System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
