using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// What the grain-call suites share: a 2-silo cluster per case, a caller grain and a target on the other silo, and
/// <see cref="Calls"/> calls per invocation, <see cref="InFlight"/> chains of them at once.
/// </summary>
/// <typeparam name="TSelf">The suite, which names its <see cref="CpuPerCall"/> samples.</typeparam>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[Config(typeof(CpuPerCall.Config))]
public abstract class CrossSiloCalls<TSelf>
{
    protected const int Calls = 1_000;

    private InProcessTestCluster _cluster = null!;
    private IBenchCaller _caller = null!;
    private string _target = "";
    private TargetKind _kind;

    /// <summary>
    /// Chains of calls the caller grain keeps going at once. At 1 each call is awaited before the next, so its
    /// wall-clock time is mostly threads waking one another up; at 16 the silos' threads stay busy and the time per
    /// call is close to what the call costs the process. <c>CPU/call</c> is that cost measured directly, in either case.
    /// </summary>
    [Params(1, 16)]
    public int InFlight { get; set; }

    [GlobalCleanup]
    public async Task CleanUpAsync() => await _cluster.DisposeAsync();

    /// <summary>One invocation: <see cref="Calls"/> calls from the caller grain to the target, CPU time recorded.</summary>
    protected async Task<int> CallAsync(string method)
    {
        using var cpu = CpuPerCall.Start<TSelf>(Calls, CpuPerCall.Parameters((nameof(InFlight), InFlight)), method);
        return await _caller.CallAsync(_target, _kind, Calls, InFlight);
    }

    protected async Task SetUpAsync(bool contextFlow, TargetKind kind, Action<ISiloBuilder>? configureSilo = null)
    {
        _kind = kind;
        _cluster = await BenchClusters.StartAsync(2, contextFlow, configureSilo);
        (_caller, _target) = await BenchClusters.CrossSiloPairAsync(_cluster.Client, kind);
        await _caller.CallAsync(_target, kind, 100, InFlight);
    }
}
