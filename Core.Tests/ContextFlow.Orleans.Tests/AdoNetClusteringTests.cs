using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using ContextFlow.Orleans.Tests.Support;
using ContextFlow.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Tests;

/// <summary>
/// Two real silos and a client, each a Generic Host, clustered through <c>Microsoft.Orleans.Clustering.AdoNet</c> on
/// the real PostgreSQL that <c>./test.sh</c> starts (<c>CONTEXTFLOW_TEST_POSTGRES</c>), in a schema of this run's own.
/// </summary>
public sealed class AdoNetClusteringTests : ContextCleanFixture
{
    private const int Active = 3;
    private const int Dead = 6;

    [Test]
    public async Task TwoSilosOnPostgreSql_FormACluster_PlaceTenantsOnBoth_AndKeepServingThemWhenOneShutsDown()
    {
        var database = Environment.GetEnvironmentVariable("CONTEXTFLOW_TEST_POSTGRES");
        if (string.IsNullOrEmpty(database))
        {
            Assert.Fail("CONTEXTFLOW_TEST_POSTGRES is not set: run the tests through ./test.sh, which starts a PostgreSQL for them");
        }

        ClusterFixture.LogWithContexts(Log);
        var schema = $"orleans_{Guid.NewGuid():N}";
        var membership = await MembershipSchema.CreateAsync(database!, schema);
        var (siloPort, gatewayPort) = new TestClusterPortAllocator().AllocateConsecutivePortPairs(2);
        var time = new FakeTimeProvider();
        var first = await StartSiloAsync("pg-silo-1", siloPort, gatewayPort, membership, schema, time);
        var second = await StartSiloAsync("pg-silo-2", siloPort + 1, gatewayPort + 1, membership, schema, time);
        var client = await StartClientAsync(membership, schema);
        try
        {
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var names = Enumerable.Range(0, 20).Select(i => $"pg{i:00}.example").ToArray();
            var before = await Task.WhenAll(names.Select(n => grains.GetGrain<ITestTenant>(n).EchoAsync("")));
            var formed = await MembershipSchema.StatusesAsync(membership, schema);

            await second.StopAsync();
            var after = await EventuallyAsync(() => Task.WhenAll(names.Select(n => grains.GetGrain<ITestTenant>(n).EchoAsync(""))));
            var left = await MembershipSchema.StatusesAsync(membership, schema);

            var firstSilo = before.Select(s => s.Silo).Distinct().Single(s => after.Any(a => a.Silo == s));
            Assert.Multiple(() =>
            {
                Assert.That(formed, Is.EqualTo(new System.Collections.Generic.Dictionary<string, int> { ["pg-silo-1"] = Active, ["pg-silo-2"] = Active }),
                    "both silos joined through the membership table");
                Assert.That(before.Select(s => s.Silo).Distinct().Count(), Is.EqualTo(2), "tenants were placed on both silos");
                Assert.That(left["pg-silo-2"], Is.EqualTo(Dead), "the silo that shut down left the table");
                Assert.That(after.Select(s => s.Silo).Distinct(), Is.EqualTo(new[] { firstSilo }), "every tenant is served by the silo that stayed");
                Assert.That(after.Where(a => before.Single(b => b.Tenant == a.Tenant).Silo != firstSilo).Select(a => a.ServerKey),
                    Has.None.AnyOf(before.Select(b => b.ServerKey).ToArray()), "the tenants that moved have fresh servers");
                Assert.That(after.Select(a => a.ContextServer), Is.EqualTo(names));
            });
        }
        finally
        {
            await client.StopAsync();
            await first.StopAsync();
            client.Dispose();
            first.Dispose();
            second.Dispose();
            await MembershipSchema.DropAsync(database!, schema);
        }
    }

    private static async Task<IHost> StartSiloAsync(string name, int siloPort, int gatewayPort, string membership, string clusterId, FakeTimeProvider time)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = membership;
            })
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "contextflow-tests"))
            .Configure<SiloOptions>(o => o.SiloName = name)
            .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false)
            .AddContextFlow());
        builder.Services.AddSingleton<ContextFlow.Hosting.IServerConfigProvider<TestTenantConfig>, TestConfigs>();
        builder.Services.AddSingleton(new TestTime(time));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<IHost> StartClientAsync(string membership, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = membership;
            })
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "contextflow-tests"))
            .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1))
            .AddContextFlow());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Retries while the client learns that a gateway has gone: at most 40 tries, a quarter second apart.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 40)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
