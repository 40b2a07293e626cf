using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Orleans.Tests.Support;
using ContextFlow.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace ContextFlow.Orleans.Tests;

public sealed class TenantCallContextTests : ClusterFixture
{
    private const string SentinelServer = "unknown_server_from_sentinel_context";

    [Test]
    public async Task ClientCall_RunsInInterfaceDotMethodContextOfTheTenant_WithTheClientsRequest()
    {
        var tenant = Cluster.Client.GetGrain<ITestTenant>("alpha.example");

        var seen = await InRequestAsync("GET-1", () => tenant.EchoAsync("GET-1"));

        Assert.Multiple(() =>
        {
            Assert.That(seen.ContextName, Is.EqualTo("ITestTenant.EchoAsync"));
            Assert.That(seen.ContextServer, Is.EqualTo("alpha.example"));
            Assert.That(seen.ParentIsTotals, "the call's context is a child of the server's Totals");
            Assert.That(seen.RequestId, Is.EqualTo("GET-1"));
            Assert.That(seen.Requester, Is.EqualTo("@tester:edge"));
            Assert.That(seen.SameContextAfterAwaits);
        });
    }

    [Test]
    public async Task ClientCallWithoutRequest_RunsInTheTenantsContext_WithoutRequest()
    {
        var seen = await Cluster.Client.GetGrain<ITestTenant>("alpha.example").EchoAsync("");

        Assert.That((seen.ContextName, seen.ContextServer, seen.RequestId), Is.EqualTo(("ITestTenant.EchoAsync", "alpha.example", (string?)null)));
    }

    [Test]
    public async Task TenantCallingTenant_CalleeRunsInItsOwnContext_WithTheOriginatingRequest()
    {
        var seen = await InRequestAsync("GET-2", () => Cluster.Client.GetGrain<ITestTenant>("alpha.example").HandleAsync("GET-2", "beta.example", 7));

        Assert.Multiple(() =>
        {
            Assert.That((seen.Peer!.ContextName, seen.Peer.ContextServer), Is.EqualTo(("ITestTenant.EchoAsync", "beta.example")));
            Assert.That((seen.Peer.RequestId, seen.Peer.Requester), Is.EqualTo(("GET-2", "@tester:edge")));
            Assert.That(seen.Probe!.Leaked, Is.Null, "a plain grain called by a tenant runs in the sentinel");
            Assert.That(seen.SameContextAfterAwaits, "the caller's context is unchanged after its calls out");
        });
    }

    [Test]
    public async Task RequestThroughAPlainGrain_ReachesTheTenantBehindIt()
    {
        var seen = await InRequestAsync("GET-4", () => Cluster.Client.GetGrain<IProbe>(99).ForwardAsync("alpha.example"));

        Assert.That((seen.ContextServer, seen.RequestId, seen.Requester), Is.EqualTo(("alpha.example", "GET-4", "@tester:edge")));
    }

    [Test]
    public async Task BackgroundProcessCallingOut_SendsNoRequest_ThoughStartedInsideACall()
    {
        var seen = await InRequestAsync("GET-3", () => Cluster.Client.GetGrain<ITestTenant>("alpha.example").CallFromBackgroundAsync("beta.example"));

        Assert.That((seen.ContextServer, seen.RequestId), Is.EqualTo(("beta.example", (string?)null)));
    }

    [Test]
    public async Task CallInRequest_CarriesTheRequestAsOneEntry_OnToThePlainGrainsTheTenantCalls()
    {
        var seen = await InRequestAsync("GET-5", () => Cluster.Client.GetGrain<ITestTenant>("alpha.example").HandleAsync("GET-5", null, 5));

        Assert.Multiple(() =>
        {
            Assert.That(seen.Carried, Is.EqualTo(new[] { "ContextFlow.Request=5:GET-5@tester:edge" }));
            Assert.That(seen.Probe!.Carried, Is.EqualTo(seen.Carried));
        });
    }

    [Test]
    public async Task CallsWithoutRequest_AddNothingToRequestContext()
    {
        var tenant = Cluster.Client.GetGrain<ITestTenant>("alpha.example");
        var fromSentinel = await tenant.HandleAsync("", null, 6);
        CallObservation fromContext;
        using (new LoggingContext("job", "edge.example").Enter())
        {
            fromContext = await tenant.HandleAsync("", null, 6);
        }

        var plain = await Cluster.Client.GetGrain<IProbe>(6).CheckAsync();

        Assert.Multiple(() =>
        {
            Assert.That(fromSentinel.Carried, Is.Empty, "a client call from no context");
            Assert.That(fromContext.Carried, Is.Empty, "a client call from a context without a request");
            Assert.That(fromSentinel.Probe!.Carried, Is.Empty, "a tenant's call without a request");
            Assert.That(plain.Carried, Is.Empty, "a plain grain's call");
        });
    }

    [Test]
    public void SiloWithContextFlow_InstallsNoSiloWideFilter_TenantGrainsAreTheirOwnIncomingFilter()
    {
        var services = Cluster.Silos.Select(silo => silo.SiloHost.Services).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(services.SelectMany(s => s.GetServices<IIncomingGrainCallFilter>()), Is.Empty, "calls to plain grains take no filter path");
            Assert.That(services.SelectMany(s => s.GetServices<IOutgoingGrainCallFilter>()), Is.Empty, "calls out of a silo take no filter path");
            Assert.That(typeof(IIncomingGrainCallFilter).IsAssignableFrom(typeof(TestTenantGrain)));
        });
    }

    [Test]
    public async Task SiloCodeInARequest_SendsNoRequest_ByDefault()
    {
        var seen = await InRequestAsync("GET-6", () => SiloGrains.GetGrain<ITestTenant>("alpha.example").EchoAsync("GET-6"));

        Assert.That((seen.ContextServer, seen.RequestId, seen.Carried), Is.EqualTo(("alpha.example", (string?)null, System.Array.Empty<string>())));
    }

    [Test]
    public async Task OwnContextMadeInsideACall_CarriesTheCallsRequest_ByDefault()
    {
        var tenant = Cluster.Client.GetGrain<ITestTenant>("alpha.example");

        var withOwnRequest = await InRequestAsync("GET-8", () => tenant.CallFromOwnContextAsync("beta.example", "job-1"));
        var withoutRequest = await InRequestAsync("GET-9", () => tenant.CallFromOwnContextAsync("beta.example", null));

        Assert.That((withOwnRequest.RequestId, withoutRequest.RequestId), Is.EqualTo(("GET-8", "GET-9")));
    }

    [Test]
    public async Task ThreeHundredTenants_ConcurrentRequests_EveryEventCarriesItsTenantAndTheOriginatingRequest()
    {
        const int tenants = 300;
        var names = Enumerable.Range(0, tenants).Select(i => $"t{i:000}.example").ToArray();

        var seen = await Task.WhenAll(names.Select((name, i) =>
            InRequestAsync($"req-{i}", () => Cluster.Client.GetGrain<ITestTenant>(name).HandleAsync($"req-{i}", names[(i + 1) % tenants], i))));

        var events = Log.Events;
        var tenantEvents = events.Where(e => e.Properties.ContainsKey("Tenant")).ToList();
        var mismatches = tenantEvents.Where(e =>
            InMemorySink.StringProperty(e, "ServerName") != InMemorySink.StringProperty(e, "Tenant") ||
            InMemorySink.StringProperty(e, "RequestId") != InMemorySink.StringProperty(e, "ExpectedRequestId")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(s => s.Silo).Distinct().Count(), Is.EqualTo(3), "the tenants are spread over the three silos");
            Assert.That(seen.Count(s => s.Peer!.Silo != s.Silo), Is.GreaterThan(tenants / 3), "many calls cross silos");
            Assert.That(tenantEvents, Has.Count.EqualTo(tenants * 3), "two events by each tenant and one by its peer");
            Assert.That(mismatches.Select(e => e.RenderMessage()), Is.Empty, "events attributed to the wrong tenant or request");
            Assert.That(events.Where(e => InMemorySink.StringProperty(e, "ServerName") == SentinelServer).Select(e => e.RenderMessage()), Is.Empty,
                "every event of the tenants' activations and calls has a server");
            Assert.That(seen.Where(s => s.ContextServer != s.Tenant || s.RequestId != s.Peer!.RequestId || s.Probe!.Leaked is not null), Is.Empty);
        });
    }
}
