using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// The clusters the benchmarks run on: Orleans' in-process test cluster (real silos and client in one process, over
/// its in-memory transport, so every call is serialized and scheduled as between machines, without the network).
/// </summary>
public static class BenchClusters
{
    public static async Task<InProcessTestCluster> StartAsync(int silos, bool contextFlow, Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            if (contextFlow)
            {
                silo.AddContextFlow();
                silo.Services.AddSingleton<ContextFlow.Hosting.IServerConfigProvider<BenchConfig>, BenchConfigs>();
            }

            configureSilo?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            if (contextFlow)
            {
                client.AddContextFlow();
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>A caller grain and a target key whose activations live on two different silos.</summary>
    public static async Task<(IBenchCaller Caller, string Target)> CrossSiloPairAsync(IClusterClient client, TargetKind kind)
    {
        var caller = client.GetGrain<IBenchCaller>("caller");
        var callerSilo = await caller.SiloAsync();
        for (var i = 0; i < 100; i++)
        {
            var key = $"target{i}.example";
            var silo = kind switch
            {
                TargetKind.Tenant => await client.GetGrain<ITenantTarget>(key).SiloAsync(),
                TargetKind.Filtered => await client.GetGrain<IFilteredTarget>(key).SiloAsync(),
                _ => await client.GetGrain<IPlainTarget>(key).SiloAsync(),
            };
            if (silo != callerSilo)
            {
                return (caller, key);
            }
        }

        throw new InvalidOperationException("No target landed on another silo than the caller");
    }
}
