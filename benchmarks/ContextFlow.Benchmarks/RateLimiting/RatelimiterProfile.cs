using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ContextFlow.RateLimiting;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// A check loop to run under a profiler, and a sweep over key counts, for what the acquire suite's means cannot say:
/// where the time of a check goes as the table outgrows the caches.
/// </summary>
/// <remarks>
/// <para>
/// <c>ratelimiter-profile LIMITER KEYS CHECKS</c> (LIMITER: <c>contextflow</c> or <c>partitioned</c>) creates KEYS keys
/// in one shuffled order and makes CHECKS checks in another, as <see cref="RatelimiterAcquireBenchmarks"/> does on one
/// thread, and prints the time per check. Run it twice under <c>valgrind --tool=cachegrind</c> with two check counts:
/// the difference of the two runs' counts, divided by the difference of the check counts, is what one check executes
/// and misses, without the set-up and the JIT's one-off work. Two things differ from the acquire suite so that only
/// the checks are counted, however slowly the profiler runs them: the peer's heartbeat timer is parked (its scans
/// would count as the checks' work), and ContextFlow's buckets drain at one action an hour, so that no key empties
/// and is pruned between two of its checks (at the suite's 1 Hz a key a profiler reaches every few seconds would be
/// dropped and added again, which the suite never sees). Every check takes the path a remembered key takes.
/// </para>
/// <para>
/// <c>ratelimiter-sweep [ROUNDS] [KEYS...]</c> measures both limiters at 10k to 4M keys (or the key counts given), one
/// after the other, and prints the median time per check and the ratio for each key count, with each limiter's heap
/// per key, and ContextFlow again once its tables sit on 2 MB pages (<see cref="HugePages"/>); then the latency of one
/// cache-missing load as the working set grows from 1 MB to 512 MB, against which those times are to be read.
/// </para>
/// </remarks>
internal static class RatelimiterProfile
{
    public static void Run(string[] args)
    {
        var limiter = args[1];
        var keys = int.Parse(args[2], CultureInfo.InvariantCulture);
        var checks = long.Parse(args[3], CultureInfo.InvariantCulture);
        using var subject = Subject.Create(limiter, keys, profiling: true);
        var order = RatelimiterSubjects.ShuffledKeys(keys, seed: 2);
        var started = Stopwatch.GetTimestamp();
        var allowed = subject.Check(order, checks);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{limiter}: {keys:N0} keys, {checks:N0} checks, {allowed:N0} allowed, {elapsed.TotalNanoseconds / Math.Max(1, checks):F1} ns per check"));
    }

    public static void Sweep(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var keyCounts = args.Length > 2
            ? args[2..].Select(static a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray()
            : [10_000, 100_000, 300_000, 1_000_000, 2_000_000, 4_000_000];
        Console.WriteLine("| keys | PartitionedRateLimiter ns/check | ContextFlow ns/check | ratio | ContextFlow, its tables on 2 MB pages | ratio | heap per key (peer / ours) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var keys in keyCounts)
        {
            var order = RatelimiterSubjects.ShuffledKeys(keys, seed: 2);
            var checks = Math.Max(4L * keys, 4_000_000);

            // One limiter at a time, disposed before the next is built: the peer's heartbeat scans every key every
            // 100 ms on the other core and would take the caches from ContextFlow's table while it is measured.
            var (peer, peerBytes, _) = Median("partitioned", keys, order, checks, rounds);
            var (ours, ourBytes, huge) = Median("contextflow", keys, order, checks, rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {keys:N0} | {peer:F1} | {ours:F1} | {peer / ours:F2}× | {Show(huge)} | {(huge is { } h ? $"{peer / h:F2}×" : "—")} | {peerBytes:F0} B / {ourBytes:F0} B |"));
        }

        Console.WriteLine();
        Console.WriteLine("| working set | one dependent load (random cycle of cache lines) |");
        Console.WriteLine("|---:|---:|");
        foreach (var megabytes in new[] { 1, 4, 16, 32, 64, 128, 256, 512 })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {megabytes} MB | {LoadLatency(megabytes):F1} ns |"));
        }
    }

    // What one cache-missing load costs here as the working set grows: a random cycle through one 8-byte index per
    // 64-byte line, each load's address the previous load's value, so no two misses overlap. Where it steps up is
    // where the working set leaves a cache level; a check on a table of that size waits for at least one such load.
    private static double LoadLatency(int megabytes)
    {
        const int Line = 8;
        var lines = megabytes * 1024 * 1024 / 64;
        var next = new long[lines * Line];
        var cycle = new int[lines];
        for (var i = 0; i < lines; i++)
        {
            cycle[i] = i;
        }

        new Random(3).Shuffle(cycle);
        for (var i = 0; i < lines; i++)
        {
            next[cycle[i] * Line] = cycle[(i + 1) % lines] * Line;
        }

        var loads = Math.Max(4_000_000, 2L * lines);
        long position = 0;
        for (var i = 0; i < lines; i++)
        {
            position = next[position];
        }

        var started = Stopwatch.GetTimestamp();
        for (long i = 0; i < loads; i++)
        {
            position = next[position];
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        GC.KeepAlive(position);
        return elapsed.TotalNanoseconds / loads;
    }

    // For ContextFlow, the same table measured again once its memory is backed by 2 MB pages, so that a check's one
    // cache miss no longer comes with a page walk: the difference is what the walk costs on this machine.
    private static (double NsPerCheck, double BytesPerKey, double? OnHugePages) Median(string limiter, int keys, long[] order, long checks, int rounds)
    {
        using var subject = Subject.Create(limiter, keys);
        subject.Check(order, order.Length);
        var median = MedianTime(subject, order, checks, rounds);
        double? huge = null;
        if (subject.Limiter is Ratelimiter<long> ours && HugePages.Collapse(ours))
        {
            subject.Check(order, order.Length);
            huge = MedianTime(subject, order, checks, rounds);
        }

        return (median, subject.BytesPerKey, huge);
    }

    private static double MedianTime(Subject subject, long[] order, long checks, int rounds)
    {
        var times = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var started = Stopwatch.GetTimestamp();
            subject.Check(order, checks);
            times[r] = Stopwatch.GetElapsedTime(started).TotalNanoseconds / checks;
        }

        Array.Sort(times);
        return times[rounds / 2];
    }

    private static string Show(double? ns) => ns is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "— (not on Linux)";

    /// <summary>A limiter filled with its keys, and a loop of checks over an order, as the acquire suite's.</summary>
    private sealed class Subject(Func<long[], long, long> check, IDisposable limiter, double bytesPerKey) : IDisposable
    {
        public double BytesPerKey { get; } = bytesPerKey;

        public IDisposable Limiter { get; } = limiter;

        public static Subject Create(string limiter, int keys, bool profiling = false)
        {
            var created = RatelimiterSubjects.ShuffledKeys(keys, seed: 1);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            switch (limiter)
            {
                case "contextflow":
                {
                    var subject = RatelimiterSubjects.ContextFlow(
                        profiling ? RatelimiterSubjects.IdleRateHz : RatelimiterSubjects.BusyRateHz, RatelimiterSubjects.BusyBurst);
                    foreach (var key in created)
                    {
                        subject.CanDoAction(key);
                    }

                    return new Subject(
                        (order, count) =>
                        {
                            long allowed = 0;
                            for (long i = 0, position = 0; i < count; i++)
                            {
                                allowed += subject.CanDoAction(order[position]).Allowed ? 1 : 0;
                                position = position + 1 == order.Length ? 0 : position + 1;
                            }

                            return allowed;
                        },
                        subject,
                        PerKey(before, keys));
                }

                case "partitioned":
                {
                    var subject = profiling
                        ? RatelimiterSubjects.PartitionedWithManualHeartbeat(RatelimiterSubjects.BusyBurst, TimeSpan.FromSeconds(1)).Limiter
                        : RatelimiterSubjects.Partitioned(RatelimiterSubjects.BusyBurst, TimeSpan.FromSeconds(1));
                    foreach (var key in created)
                    {
                        using var lease = subject.AttemptAcquire(key);
                    }

                    return new Subject(
                        (order, count) =>
                        {
                            long allowed = 0;
                            for (long i = 0, position = 0; i < count; i++)
                            {
                                using var lease = subject.AttemptAcquire(order[position]);
                                allowed += lease.IsAcquired ? 1 : 0;
                                position = position + 1 == order.Length ? 0 : position + 1;
                            }

                            return allowed;
                        },
                        subject,
                        PerKey(before, keys));
                }

                default:
                    throw new ArgumentException($"Unknown limiter {limiter}: contextflow or partitioned", nameof(limiter));
            }
        }

        public long Check(long[] order, long count) => check(order, count);

        public void Dispose() => Limiter.Dispose();

        private static double PerKey(long before, int keys) => (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)keys;
    }
}
