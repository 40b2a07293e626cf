using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// One grain call from a grain on one silo to a grain on another, inside a request: through ContextFlow's filters to a
/// tenant (the caller's request id and requester go out in RequestContext, the call runs in a new
/// <c>"ITenantTarget.AddAsync"</c> context of the tenant's server), against the same call to the same work in a plain
/// grain on a cluster without ContextFlow. A third row calls the plain grain on the ContextFlow cluster: the filters
/// are installed but have nothing to do but pass the call on; a fourth does so without a request to carry; a fifth
/// carries the same two values in RequestContext by hand, without ContextFlow, which is what any request-id
/// propagation on Orleans pays.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[Config(typeof(CpuPerCall.Config))]
public class GrainCallBenchmarks
{
    private const int Calls = 1_000;

    private InProcessTestCluster _cluster = null!;
    private IBenchCaller _caller = null!;
    private string _target = "";

    [GlobalSetup(Target = nameof(WithoutContextFlow))]
    public Task SetUpPlainAsync() => SetUpAsync(contextFlow: false, TargetKind.Plain);

    [GlobalSetup(Target = nameof(ThroughContextFlowFilters))]
    public Task SetUpTenantAsync() => SetUpAsync(contextFlow: true, TargetKind.Tenant);

    [GlobalSetup(Targets = [nameof(PlainGrainWithFiltersInstalled), nameof(PlainGrainWithFiltersInstalledNoRequest)])]
    public Task SetUpFilteredPlainAsync() => SetUpAsync(contextFlow: true, TargetKind.Plain);

    [GlobalSetup(Target = nameof(WithoutContextFlowCarryingTheRequestId))]
    public Task SetUpPlainCarryingAsync() => SetUpAsync(contextFlow: false, TargetKind.Plain);

    [GlobalCleanup]
    public async Task CleanUpAsync() => await _cluster.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task<int> WithoutContextFlow() => CallAsync(TargetKind.Plain);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> ThroughContextFlowFilters() => CallAsync(TargetKind.Tenant);

    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> PlainGrainWithFiltersInstalled() => CallAsync(TargetKind.Plain);

    /// <summary>The filters installed, no request to carry: what the filters cost by themselves.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task<int> PlainGrainWithFiltersInstalledNoRequest()
    {
        using var cpu = CpuPerCall.Start<GrainCallBenchmarks>(Calls);
        return await _caller.CallAsync(_target, TargetKind.Plain, Calls);
    }

    /// <summary>No ContextFlow, the same two values put in RequestContext by hand: what carrying a request id costs in Orleans.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task<int> WithoutContextFlowCarryingTheRequestId()
    {
        RequestContext.Set("ContextFlow.RequestId", "GET-1");
        RequestContext.Set("ContextFlow.Requester", "@bench:edge");
        try
        {
            using var cpu = CpuPerCall.Start<GrainCallBenchmarks>(Calls);
            return await _caller.CallAsync(_target, TargetKind.Plain, Calls);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    private async Task<int> CallAsync(TargetKind kind, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        using (new LoggingContext("GET-1", "edge.example", request: new RequestInfo("GET-1", Requester: "@bench:edge")).Enter())
        {
            using var cpu = CpuPerCall.Start<GrainCallBenchmarks>(Calls, method);
            return await _caller.CallAsync(_target, kind, Calls);
        }
    }

    private async Task SetUpAsync(bool contextFlow, TargetKind kind)
    {
        _cluster = await BenchClusters.StartAsync(2, contextFlow);
        (_caller, _target) = await BenchClusters.CrossSiloPairAsync(_cluster.Client, kind);
        await _caller.CallAsync(_target, kind, 100);
    }
}
