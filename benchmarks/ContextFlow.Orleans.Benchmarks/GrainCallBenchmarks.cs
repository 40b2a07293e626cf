using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Hosting;
using Orleans.Runtime;

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
public class GrainCallBenchmarks : CrossSiloCalls<GrainCallBenchmarks>
{
    [GlobalSetup(Targets = [nameof(WithoutContextFlow), nameof(WithoutContextFlowCarryingTheRequestByHand)])]
    public Task SetUpPlainAsync() => SetUpAsync(contextFlow: false, TargetKind.Plain);

    [GlobalSetup(Target = nameof(ThroughContextFlow))]
    public Task SetUpTenantAsync() => SetUpAsync(contextFlow: true, TargetKind.Tenant);

    [GlobalSetup(Target = nameof(ThroughContextFlowSendingFromSilos))]
    public Task SetUpTenantSendingAsync() =>
        SetUpAsync(contextFlow: true, TargetKind.Tenant, static silo => silo.AddContextFlow(static o => o.SendRequestsFromSiloCode = true));

    [GlobalSetup(Targets = [nameof(PlainGrainOnContextFlowSilos), nameof(PlainGrainOnContextFlowSilosNoRequest)])]
    public Task SetUpFilteredPlainAsync() => SetUpAsync(contextFlow: true, TargetKind.Plain);

    /// <summary>The peer: a plain grain, no ContextFlow, nothing carried.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task<int> WithoutContextFlow() => CallAsync(nameof(WithoutContextFlow));

    /// <summary>The peer the bar names: no ContextFlow, the request id and requester put in RequestContext by hand.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public async Task<int> WithoutContextFlowCarryingTheRequestByHand()
    {
        RequestContext.Set("RequestId", "GET-1");
        RequestContext.Set("Requester", "@bench:edge");
        try
        {
            return await CallAsync(nameof(WithoutContextFlowCarryingTheRequestByHand));
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    /// <summary>A tenant grain, through ContextFlow, inside a request.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> ThroughContextFlow() => InRequestAsync(nameof(ThroughContextFlow));

    /// <summary>The same, with the silos' outgoing filter on (<c>SendRequestsFromSiloCode</c>), as every silo had it before.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> ThroughContextFlowSendingFromSilos() => InRequestAsync(nameof(ThroughContextFlowSendingFromSilos));

    /// <summary>A plain grain on the ContextFlow cluster, inside a request: the request passes through it.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> PlainGrainOnContextFlowSilos() => InRequestAsync(nameof(PlainGrainOnContextFlowSilos));

    /// <summary>A plain grain on the ContextFlow cluster, no request to carry.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> PlainGrainOnContextFlowSilosNoRequest() => CallAsync(nameof(PlainGrainOnContextFlowSilosNoRequest));

    private async Task<int> InRequestAsync(string method)
    {
        using (new LoggingContext("GET-1", "edge.example", request: new RequestInfo("GET-1", Requester: "@bench:edge")).Enter())
        {
            return await CallAsync(method);
        }
    }
}
