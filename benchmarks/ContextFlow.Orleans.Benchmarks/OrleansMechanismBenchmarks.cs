using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// What Orleans' own mechanisms cost on the call <see cref="GrainCallBenchmarks"/> measures, without ContextFlow: the
/// same cross-silo call to a plain grain, carrying values in <see cref="RequestContext"/> by hand (two strings, or one),
/// or passing through a filter that does nothing: a silo-wide outgoing one, a silo-wide incoming one, or the target
/// grain's own. These are the prices ContextFlow's choices are made against.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[Config(typeof(CpuPerCall.Config))]
public class OrleansMechanismBenchmarks
{
    private const int Calls = 1_000;

    private InProcessTestCluster _cluster = null!;
    private IBenchCaller _caller = null!;
    private string _target = "";
    private TargetKind _kind;

    /// <summary>Chains of calls the caller grain keeps going at once, as in <see cref="GrainCallBenchmarks"/>.</summary>
    [Params(1, 16)]
    public int InFlight { get; set; }

    [GlobalSetup(Targets = [nameof(PlainCall), nameof(TwoStringsInRequestContext), nameof(OneStringInRequestContext)])]
    public Task SetUpPlainAsync() => SetUpAsync(TargetKind.Plain, null);

    [GlobalSetup(Target = nameof(NoOpOutgoingFilter))]
    public Task SetUpOutgoingAsync() => SetUpAsync(TargetKind.Plain, static silo => silo.AddOutgoingGrainCallFilter(static context => context.Invoke()));

    [GlobalSetup(Target = nameof(NoOpIncomingFilter))]
    public Task SetUpIncomingAsync() => SetUpAsync(TargetKind.Plain, static silo => silo.AddIncomingGrainCallFilter(static context => context.Invoke()));

    [GlobalSetup(Target = nameof(NoOpGrainLevelFilter))]
    public Task SetUpGrainLevelAsync() => SetUpAsync(TargetKind.Filtered, null);

    [GlobalCleanup]
    public async Task CleanUpAsync() => await _cluster.DisposeAsync();

    /// <summary>The plain call, carrying nothing, no filter anywhere.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task<int> PlainCall() => CallAsync();

    /// <summary>A request id and a requester carried as two entries, as one would write it by hand.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task<int> TwoStringsInRequestContext()
    {
        RequestContext.Set("RequestId", "GET-1");
        RequestContext.Set("Requester", "@bench:edge");
        try
        {
            return await CallAsync();
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>The same two values in one entry, as ContextFlow carries them.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task<int> OneStringInRequestContext()
    {
        RequestContext.Set("ContextFlow.Request", "5:GET-1@bench:edge");
        try
        {
            return await CallAsync();
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>Nothing carried; a silo-wide outgoing filter that only passes the call on.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> NoOpOutgoingFilter() => CallAsync();

    /// <summary>Nothing carried; a silo-wide incoming filter that only passes the call on.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> NoOpIncomingFilter() => CallAsync();

    /// <summary>Nothing carried; the target grain is its own incoming filter, which only passes the call on.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> NoOpGrainLevelFilter() => CallAsync();

    private async Task<int> CallAsync([System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        using var cpu = CpuPerCall.Start<OrleansMechanismBenchmarks>(Calls, CpuPerCall.Parameters((nameof(InFlight), InFlight)), method);
        return await _caller.CallAsync(_target, _kind, Calls, InFlight);
    }

    private async Task SetUpAsync(TargetKind kind, System.Action<ISiloBuilder>? configureSilo)
    {
        _kind = kind;
        _cluster = await BenchClusters.StartAsync(2, contextFlow: false, configureSilo);
        (_caller, _target) = await BenchClusters.CrossSiloPairAsync(_cluster.Client, kind);
        await _caller.CallAsync(_target, kind, 100, InFlight);
    }
}
