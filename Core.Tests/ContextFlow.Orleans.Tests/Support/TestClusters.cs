using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Tests.Support;

/// <summary>
/// In-process Orleans clusters (<see cref="InProcessTestCluster"/>: real silos and a real client in this process,
/// over Orleans' in-memory transport and membership) with ContextFlow on every silo and on the client.
/// </summary>
internal static class TestClusters
{
    /// <param name="silos">How many silos.</param>
    /// <param name="time">The tenants' time.</param>
    /// <param name="options">The silos' ContextFlow options.</param>
    /// <param name="configureServices">More services on every silo (after the tenant directory, <see cref="TestConfigs"/>).</param>
    public static async Task<InProcessTestCluster> StartAsync(
        int silos, FakeTimeProvider time, Action<ContextFlowSiloOptions>? options = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddContextFlow(options ?? (static _ => { }));
            silo.AddContextFlow(options ?? (static _ => { }));   // again, as a second module of an application might: adds nothing
            silo.Services.AddSingleton<ContextFlow.Hosting.IServerConfigProvider<TestTenantConfig>, TestConfigs>();
            silo.Services.AddSingleton(new TestTime(time));
            configureServices?.Invoke(silo.Services);
        });
        builder.ConfigureClient(client => client.AddContextFlow());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The silo's tenants: the <see cref="TenantSilo"/> a silo's <c>AddContextFlow()</c> registered.</summary>
    public static TenantSilo Tenants(InProcessSiloHandle silo) => silo.SiloHost.Services.GetRequiredService<TenantSilo>();

    /// <summary>The silo whose runtime identity a tenant reported.</summary>
    public static InProcessSiloHandle SiloOf(InProcessTestCluster cluster, string runtimeIdentity) =>
        cluster.Silos.Single(s => s.SiloAddress.ToString() == runtimeIdentity || s.SiloAddress.ToParsableString() == runtimeIdentity);
}
