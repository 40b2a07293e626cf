using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ContextFlow.RateLimiting;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// The worst prune: every key's bucket has emptied and all are due in the same tick. Each iteration refills the
/// limiter (one action per key) and then prunes it 20 s later. The time is the whole tick; ContextFlow holds one
/// shard's lock for at most 256 keys at a time during it, the full scan holds its one lock throughout (the longest
/// hold of each is printed at cleanup).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class RatelimiterPrunePauseBenchmarks
{
    private readonly RatelimiterSubjects.ManualTime _time = new();
    private Ratelimiter<long>? _contextFlow;
    private FullScanRatelimiter<long>? _fullScan;

    [Params(100_000, 1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _contextFlow = new Ratelimiter<long>(_time, "bench", 1, 1, overrides: null, comparer: null);
        _fullScan = new FullScanRatelimiter<long>(() => _time.NowMs, 1, 1, pruneInterval: null);
    }

    [IterationSetup(Target = nameof(ContextFlowAllDue))]
    public void FillContextFlow()
    {
        _time.NowMs += 60_000;
        for (var key = 0L; key < Keys; key++)
        {
            _contextFlow!.CanDoAction(key);
        }

        _time.NowMs += 20_000;
    }

    [IterationSetup(Target = nameof(FullScanAllDue))]
    public void FillFullScan()
    {
        _time.NowMs += 60_000;
        for (var key = 0L; key < Keys; key++)
        {
            _fullScan!.CanDoAction(key);
        }

        _time.NowMs += 20_000;
    }

    [GlobalCleanup(Target = nameof(ContextFlowAllDue))]
    public void ReportContextFlowPause() =>
        Console.WriteLine($"// ContextFlow longest shard lock hold during a prune, {Keys} keys: {_contextFlow!.LongestPrunePause.TotalMilliseconds:F3} ms");

    [GlobalCleanup(Target = nameof(FullScanAllDue))]
    public void ReportFullScanPause() =>
        Console.WriteLine($"// Full scan longest lock hold during a prune, {Keys} keys: {_fullScan!.LongestPrunePause.TotalMilliseconds:F3} ms");

    [Benchmark]
    public int ContextFlowAllDue() => _contextFlow!.PruneNow();

    [Benchmark(Baseline = true)]
    public int FullScanAllDue() => _fullScan!.Prune();
}
