using System;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ContextFlow.RateLimiting;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// What keeping many keys costs while nothing happens: one prune tick (ContextFlow's wheel, the full scan) or one
/// heartbeat (PartitionedRateLimiter's, which also replenishes every bucket), with every key live and none due.
/// Multiply by the ticks per second to get the idle CPU: ContextFlow and the full scan prune every 15 s, the
/// partitioned limiter beats every 100 ms.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class RatelimiterPruneBenchmarks
{
    private Ratelimiter<long>? _contextFlow;
    private FullScanRatelimiter<long>? _fullScan;
    private PartitionedRateLimiter<long>? _partitioned;
    private Func<Task>? _heartbeat;

    [Params(100_000, 1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup(Target = nameof(ContextFlowWheelTick))]
    public void SetupContextFlow()
    {
        _contextFlow = RatelimiterSubjects.ContextFlow(RatelimiterSubjects.IdleRateHz, RatelimiterSubjects.IdleBurst);
        for (var key = 0L; key < Keys; key++)
        {
            _contextFlow.CanDoAction(key);
        }
    }

    [GlobalSetup(Target = nameof(FullScanTick))]
    public void SetupFullScan()
    {
        _fullScan = RatelimiterSubjects.FullScan(RatelimiterSubjects.IdleRateHz, RatelimiterSubjects.IdleBurst);
        for (var key = 0L; key < Keys; key++)
        {
            _fullScan.CanDoAction(key);
        }
    }

    [GlobalSetup(Target = nameof(PartitionedHeartbeat))]
    public void SetupPartitioned()
    {
        (_partitioned, _heartbeat) = RatelimiterSubjects.PartitionedWithManualHeartbeat(
            RatelimiterSubjects.IdleBurst, TimeSpan.FromHours(1));
        for (var key = 0L; key < Keys; key++)
        {
            using var lease = _partitioned.AttemptAcquire(key);
        }

        // The first heartbeat copies the key list; later ones only scan it.
        _heartbeat().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fullScan?.Dispose();
        _partitioned?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void PartitionedHeartbeat() => _heartbeat!().GetAwaiter().GetResult();

    [Benchmark]
    public int ContextFlowWheelTick() => _contextFlow!.PruneNow();

    [Benchmark]
    public int FullScanTick() => _fullScan!.Prune();
}
