using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using ContextFlow.Time;

namespace ContextFlow.Benchmarks.Time;

/// <summary>
/// Scheduling a one-shot callback with no delay and waiting until it has run, 1,000 at a time: <c>Clock.CallLater</c>
/// (flow-suppressed timer, tracking for shutdown, a fresh <c>"call_later"</c> context per call) against a raw
/// <see cref="TimeProvider.System"/> timer. Both go through the runtime's timer queue and thread pool; the figure is
/// the cost per call, including the wait for it to fire.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class CallLaterBenchmarks
{
    private const int Calls = 1000;

    private static readonly TimerCallback s_rawCallback = static s => ((CallLaterBenchmarks)s!).OnFired();

    private readonly ManualResetEventSlim _allFired = new();
    private Clock _clock = null!;
    private Action _callback = null!;
    private int _remaining;

    [GlobalSetup]
    public void Setup()
    {
        _clock = CreateClock();
        _callback = OnFired;
    }

    [GlobalCleanup]
    public void Cleanup() => _clock.Shutdown();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public void RawCreateTimerAndFire()
    {
        Arm();
        for (var i = 0; i < Calls; i++)
        {
            TimeProvider.System.CreateTimer(s_rawCallback, this, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        _allFired.Wait();
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public void ClockCallLaterAndFire()
    {
        Arm();
        for (var i = 0; i < Calls; i++)
        {
            _clock.CallLater(TimeSpan.Zero, _callback);
        }

        _allFired.Wait();
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public void ClockCallLaterUntrackedAndFire()
    {
        Arm();
        for (var i = 0; i < Calls; i++)
        {
            _clock.CallLater(TimeSpan.Zero, _callback, cancelOnShutdown: false);
        }

        _allFired.Wait();
    }

    [ContextBoundary("A benchmark stands in for a server: it owns the one clock")]
    private static Clock CreateClock() => new(TimeProvider.System, "bench.example", new RunningSignal());

    private void Arm()
    {
        _allFired.Reset();
        Volatile.Write(ref _remaining, Calls);
    }

    private void OnFired()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _allFired.Set();
        }
    }
}
