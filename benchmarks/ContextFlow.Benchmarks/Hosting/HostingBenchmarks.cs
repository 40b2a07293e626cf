using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ContextFlow.Hosting;
using ContextFlow.Time;

namespace ContextFlow.Benchmarks.Hosting;

/// <summary>
/// Provisioning 1,000 servers into a running <see cref="ServerHost"/> and deprovisioning them all, per server: with an
/// empty setup and start, and with a start that schedules a looping call, a delayed call and a background process. The
/// baseline is the same lifecycle driven by hand on each server, without a host.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class HostingBenchmarks
{
    private const int Servers = 1_000;

    [Params(false, true)]
    public bool Busy { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Servers)]
    public async Task ServerLifecycleByHand()
    {
        var running = new RunningSignal();
        running.MarkRunning();
        var servers = new BenchServer[Servers];
        for (var i = 0; i < Servers; i++)
        {
            servers[i] = new BenchServer(new BenchConfig { ServerName = $"s{i}.example", Busy = Busy }, running);
            await servers[i].SetupAsync();
            await servers[i].StartAsync();
        }

        foreach (var server in servers)
        {
            await server.ShutdownAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Servers)]
    public async Task ProvisionThenDeprovision()
    {
        var running = new RunningSignal();
        await using var host = new ServerHost(running);
        await host.StartAsync();
        for (var i = 0; i < Servers; i++)
        {
            await host.ProvisionAsync(new BenchConfig { ServerName = $"s{i}.example", Busy = Busy }, (c, _) => new BenchServer(c, running));
        }

        for (var i = 0; i < Servers; i++)
        {
            await host.DeprovisionAsync($"s{i}.example");
        }
    }
}
