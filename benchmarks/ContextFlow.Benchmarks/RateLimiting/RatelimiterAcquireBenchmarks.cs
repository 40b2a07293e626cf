using System.Threading.RateLimiting;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ContextFlow.RateLimiting;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// Acquiring on keys that already exist, in a shuffled order over all of them (so a large key count defeats the
/// caches, as many users hitting a server at random do), on one and two threads. The keys are created in another
/// shuffled order, so that no limiter gains from meeting its keys in the order it allocated them. Three launches:
/// on this VM the same process measured twice can differ by up to 2× at 1M keys, depending on where its memory
/// landed, so one launch per limiter would make the ratio a coin toss.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 3, warmupCount: 3, iterationCount: 8)]
public class RatelimiterAcquireBenchmarks
{
    private const int OpsPerInvoke = 1 << 16;

    private long[] _order = null!;
    private readonly int[] _cursor = new int[64];
    private Ratelimiter<long>? _contextFlow;
    private PartitionedRateLimiter<long>? _partitioned;
    private FullScanRatelimiter<long>? _fullScan;

    [Params(10_000, 100_000, 1_000_000)]
    public int Keys { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup(Target = nameof(ContextFlow))]
    public void SetupContextFlow()
    {
        Order();
        _contextFlow = RatelimiterSubjects.ContextFlow(RatelimiterSubjects.BusyRateHz, RatelimiterSubjects.BusyBurst);
        foreach (var key in RatelimiterSubjects.ShuffledKeys(Keys, seed: 1))
        {
            _contextFlow.CanDoAction(key);
        }
    }

    [GlobalSetup(Target = nameof(PartitionedRateLimiter))]
    public void SetupPartitioned()
    {
        Order();
        _partitioned = RatelimiterSubjects.Partitioned(RatelimiterSubjects.BusyBurst, System.TimeSpan.FromSeconds(1));
        foreach (var key in RatelimiterSubjects.ShuffledKeys(Keys, seed: 1))
        {
            using var lease = _partitioned.AttemptAcquire(key);
        }
    }

    [GlobalSetup(Target = nameof(FullScan))]
    public void SetupFullScan()
    {
        Order();
        _fullScan = RatelimiterSubjects.FullScan(RatelimiterSubjects.BusyRateHz, RatelimiterSubjects.BusyBurst);
        foreach (var key in RatelimiterSubjects.ShuffledKeys(Keys, seed: 1))
        {
            _fullScan.CanDoAction(key);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _partitioned?.Dispose();
        _fullScan?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OpsPerInvoke)]
    public int PartitionedRateLimiter() => Run(static (self, thread, count) =>
    {
        var limiter = self._partitioned!;
        var order = self._order;
        var position = self._cursor[thread * 16];
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            using var lease = limiter.AttemptAcquire(order[position]);
            allowed += lease.IsAcquired ? 1 : 0;
            position = position + 1 == order.Length ? 0 : position + 1;
        }

        self._cursor[thread * 16] = position;
        return allowed;
    });

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int ContextFlow() => Run(static (self, thread, count) =>
    {
        var limiter = self._contextFlow!;
        var order = self._order;
        var position = self._cursor[thread * 16];
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            allowed += limiter.CanDoAction(order[position]).Allowed ? 1 : 0;
            position = position + 1 == order.Length ? 0 : position + 1;
        }

        self._cursor[thread * 16] = position;
        return allowed;
    });

    [Benchmark(OperationsPerInvoke = OpsPerInvoke)]
    public int FullScan() => Run(static (self, thread, count) =>
    {
        var limiter = self._fullScan!;
        var order = self._order;
        var position = self._cursor[thread * 16];
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            allowed += limiter.CanDoAction(order[position]).Allowed ? 1 : 0;
            position = position + 1 == order.Length ? 0 : position + 1;
        }

        self._cursor[thread * 16] = position;
        return allowed;
    });

    private void Order()
    {
        _order = RatelimiterSubjects.ShuffledKeys(Keys, seed: 2);
        for (var t = 0; t < Threads; t++)
        {
            // Threads start far apart in the order, so they touch different keys, as different users would.
            _cursor[t * 16] = t * (Keys / Threads);
        }
    }

    private int Run(System.Func<RatelimiterAcquireBenchmarks, int, int, int> loop)
    {
        if (Threads == 1)
        {
            return loop(this, 0, OpsPerInvoke);
        }

        var other = Task.Run(() => loop(this, 1, OpsPerInvoke / 2));
        return loop(this, 0, OpsPerInvoke / 2) + other.GetAwaiter().GetResult();
    }
}
