using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Orleans.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace ContextFlow.Orleans.Tests;

/// <summary>Silos whose own code starts requests: <see cref="ContextFlowSiloOptions.SendRequestsFromSiloCode"/> on.</summary>
public sealed class SiloRequestSendingTests : ClusterFixture
{
    protected override int Silos => 2;

    protected override Action<ContextFlowSiloOptions>? SiloOptions => static options => options.SendRequestsFromSiloCode = true;

    [Test]
    public void EachSilo_InstallsTheOutgoingFilterOnce_WhenAddContextFlowRunsAgain()
    {
        var filters = Cluster.Silos.Select(silo => silo.SiloHost.Services.GetServices<IOutgoingGrainCallFilter>().Count()).ToList();

        Assert.That(filters, Is.EqualTo(new[] { 1, 1 }));
    }

    [Test]
    public async Task SiloCodeInARequest_SendsItsRequest()
    {
        var seen = await InRequestAsync("GET-6", () => SiloGrains.GetGrain<ITestTenant>("alpha.example").EchoAsync("GET-6"));

        Assert.That((seen.RequestId, seen.Requester, seen.Carried), Is.EqualTo(("GET-6", "@tester:edge", new[] { "ContextFlow.Request=5:GET-6@tester:edge" })));
    }

    [Test]
    public async Task OwnContextMadeInsideACall_SendsItsOwnRequest_OrNone()
    {
        var tenant = Cluster.Client.GetGrain<ITestTenant>("alpha.example");

        var withOwnRequest = await InRequestAsync("GET-8", () => tenant.CallFromOwnContextAsync("beta.example", "job-1"));
        var withoutRequest = await InRequestAsync("GET-9", () => tenant.CallFromOwnContextAsync("beta.example", null));

        Assert.Multiple(() =>
        {
            Assert.That((withOwnRequest.RequestId, withOwnRequest.Requester), Is.EqualTo(("job-1", (string?)null)));
            Assert.That((withoutRequest.RequestId, withoutRequest.Carried), Is.EqualTo(((string?)null, Array.Empty<string>())));
        });
    }

    [Test]
    public async Task TenantCallingTenant_StillCarriesTheOriginatingRequest()
    {
        var seen = await InRequestAsync("GET-2", () => Cluster.Client.GetGrain<ITestTenant>("alpha.example").HandleAsync("GET-2", "beta.example", 7));

        Assert.That((seen.Peer!.RequestId, seen.Probe!.Carried), Is.EqualTo(("GET-2", new[] { "ContextFlow.Request=5:GET-2@tester:edge" })));
    }
}
