using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// One grain call from a grain on one silo to a grain on another, inside a request (the client calls the caller grain
/// from a context with a request id and a requester): through ContextFlow to a tenant (the request goes out in
/// RequestContext, the call runs in a new <c>"ITenantTarget.AddAsync"</c> context of the tenant's server), against
/// the same call to the same work in a plain grain on a cluster without ContextFlow, carrying nothing, and carrying
/// the same request id and requester in RequestContext by hand, as two entries, which is what any request-id
/// propagation on Orleans pays. A row with the silos' outgoing filter on shows what that option costs; two more call
/// the plain grain on the ContextFlow cluster, with and without a request: what ContextFlow costs the calls of grains
/// that are no tenants.
/// </summary>
/// <remarks>
/// <see cref="InFlight"/> 1 is one call at a time, each awaited before the next: its wall-clock time is mostly
/// threads waking one another up. At 16 the silos' threads stay busy, so the time per call is close to what the call
/// costs the process; <c>CPU/call</c> is that cost measured directly, in either case.
/// </remarks>
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

    /// <summary>Chains of calls the caller grain keeps going at once.</summary>
    [Params(1, 16)]
    public int InFlight { get; set; }

    [GlobalSetup(Targets = [nameof(WithoutContextFlow), nameof(WithoutContextFlowCarryingTheRequestByHand)])]
    public Task SetUpPlainAsync() => SetUpAsync(contextFlow: false, TargetKind.Plain);

    [GlobalSetup(Target = nameof(ThroughContextFlow))]
    public Task SetUpTenantAsync() => SetUpAsync(contextFlow: true, TargetKind.Tenant);

    [GlobalSetup(Target = nameof(ThroughContextFlowSendingFromSilos))]
    public Task SetUpTenantSendingAsync() =>
        SetUpAsync(contextFlow: true, TargetKind.Tenant, static silo => silo.AddContextFlow(static o => o.SendRequestsFromSiloCode = true));

    [GlobalSetup(Targets = [nameof(PlainGrainOnContextFlowSilos), nameof(PlainGrainOnContextFlowSilosNoRequest)])]
    public Task SetUpFilteredPlainAsync() => SetUpAsync(contextFlow: true, TargetKind.Plain);

    [GlobalCleanup]
    public async Task CleanUpAsync() => await _cluster.DisposeAsync();

    /// <summary>The peer: a plain grain, no ContextFlow, nothing carried.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task<int> WithoutContextFlow() => CallAsync(TargetKind.Plain, request: false);

    /// <summary>The peer the bar names: no ContextFlow, the request id and requester put in RequestContext by hand.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task<int> WithoutContextFlowCarryingTheRequestByHand()
    {
        RequestContext.Set("RequestId", "GET-1");
        RequestContext.Set("Requester", "@bench:edge");
        try
        {
            return await CallAsync(TargetKind.Plain, request: false);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>A tenant grain, through ContextFlow, inside a request.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> ThroughContextFlow() => CallAsync(TargetKind.Tenant, request: true);

    /// <summary>The same, with the silos' outgoing filter on (<c>SendRequestsFromSiloCode</c>), as every silo had it before.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> ThroughContextFlowSendingFromSilos() => CallAsync(TargetKind.Tenant, request: true);

    /// <summary>A plain grain on the ContextFlow cluster, inside a request: the request passes through it.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> PlainGrainOnContextFlowSilos() => CallAsync(TargetKind.Plain, request: true);

    /// <summary>A plain grain on the ContextFlow cluster, no request to carry.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> PlainGrainOnContextFlowSilosNoRequest() => CallAsync(TargetKind.Plain, request: false);

    private async Task<int> CallAsync(TargetKind kind, bool request, [CallerMemberName] string method = "")
    {
        using var cpu = CpuPerCall.Start<GrainCallBenchmarks>(Calls, CpuPerCall.Parameters((nameof(InFlight), InFlight)), method);
        if (!request)
        {
            return await _caller.CallAsync(_target, kind, Calls, InFlight);
        }

        using (new LoggingContext("GET-1", "edge.example", request: new RequestInfo("GET-1", Requester: "@bench:edge")).Enter())
        {
            return await _caller.CallAsync(_target, kind, Calls, InFlight);
        }
    }

    private async Task SetUpAsync(bool contextFlow, TargetKind kind, System.Action<ISiloBuilder>? configureSilo = null)
    {
        _cluster = await BenchClusters.StartAsync(2, contextFlow, configureSilo);
        (_caller, _target) = await BenchClusters.CrossSiloPairAsync(_cluster.Client, kind);
        await _caller.CallAsync(_target, kind, 100, InFlight);
    }
}
