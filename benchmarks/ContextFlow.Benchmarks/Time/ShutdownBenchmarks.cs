using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using ContextFlow.Time;

namespace ContextFlow.Benchmarks.Time;

/// <summary>
/// A server with 100,000 pending delayed calls shutting down: scheduling them with <c>Clock.CallLater</c> and
/// cancelling them all with <c>Clock.Shutdown()</c>, against creating as many raw <see cref="TimeProvider.System"/>
/// timers and disposing each by hand (what shutdown would take without the clock's tracking).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class ShutdownBenchmarks
{
    private const int Pending = 100_000;
    private static readonly TimeSpan Later = TimeSpan.FromHours(1);
    private static readonly TimerCallback s_never = static _ => { };
    private static readonly Action s_neverAction = static () => { };
    private readonly ITimer[] _timers = new ITimer[Pending];

    [Benchmark(Baseline = true, OperationsPerInvoke = Pending)]
    public void RawCreateTimersThenDisposeEach()
    {
        for (var i = 0; i < Pending; i++)
        {
            _timers[i] = TimeProvider.System.CreateTimer(s_never, null, Later, Timeout.InfiniteTimeSpan);
        }

        foreach (var timer in _timers)
        {
            timer.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = Pending)]
    public void ClockCallLatersThenShutdown()
    {
        var clock = CreateClock();
        for (var i = 0; i < Pending; i++)
        {
            clock.CallLater(Later, s_neverAction);
        }

        clock.Shutdown();
    }

    [ContextBoundary("A benchmark stands in for a server: it owns the one clock")]
    private static Clock CreateClock() => new(TimeProvider.System, "bench.example", new RunningSignal());
}
