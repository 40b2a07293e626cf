using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// Activating and deactivating grains, per grain, on a 3-silo cluster: tenants (a first call activates the grain,
/// which reads the configuration, validates it, creates, sets up and starts its server; deactivation shuts the server
/// down), with an empty start and with a start that schedules a looping call and a background process, against plain
/// grains doing the same first call on a cluster without ContextFlow. Activation is measured as the first call's
/// round trip, deactivation as <c>DeactivateAsync</c> until the activation is gone.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class TenantActivationBenchmarks
{
    private const int Grains = 200;

    private InProcessTestCluster _plain = null!;
    private InProcessTestCluster _tenants = null!;
    private int _round;
    private IAddressable[] _active = [];

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _plain = await BenchClusters.StartAsync(3, contextFlow: false);
        _tenants = await BenchClusters.StartAsync(3, contextFlow: true);
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        await _plain.DisposeAsync();
        await _tenants.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Grains)]
    public Task ActivatePlainGrain() => ActivateAllAsync(_plain, $"p{++_round}-", tenant: false);

    [Benchmark(OperationsPerInvoke = Grains)]
    public Task ActivateTenant() => ActivateAllAsync(_tenants, $"t{++_round}-", tenant: true);

    [Benchmark(OperationsPerInvoke = Grains)]
    public Task ActivateBusyTenant() => ActivateAllAsync(_tenants, $"busy{++_round}-", tenant: true);

    [Benchmark(OperationsPerInvoke = Grains)]
    public Task DeactivatePlainGrain() => DeactivateAllAsync(_plain);

    [Benchmark(OperationsPerInvoke = Grains)]
    public Task DeactivateTenant() => DeactivateAllAsync(_tenants);

    [Benchmark(OperationsPerInvoke = Grains)]
    public Task DeactivateBusyTenant() => DeactivateAllAsync(_tenants);

    [IterationSetup(Target = nameof(DeactivatePlainGrain))]
    public void ActivatePlainForDeactivation() => _active = ActivateAllAsync(_plain, $"dp{++_round}-", tenant: false).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(DeactivateTenant))]
    public void ActivateTenantsForDeactivation() => _active = ActivateAllAsync(_tenants, $"dt{++_round}-", tenant: true).GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(DeactivateBusyTenant))]
    public void ActivateBusyTenantsForDeactivation() => _active = ActivateAllAsync(_tenants, $"busy-d{++_round}-", tenant: true).GetAwaiter().GetResult();

    private static async Task<IAddressable[]> ActivateAllAsync(InProcessTestCluster cluster, string prefix, bool tenant)
    {
        var grains = new IAddressable[Grains];
        for (var i = 0; i < Grains; i++)
        {
            if (tenant)
            {
                var grain = cluster.Client.GetGrain<ITenantTarget>($"{prefix}{i}.example");
                await grain.AddAsync(i, 1);
                grains[i] = grain;
            }
            else
            {
                var grain = cluster.Client.GetGrain<IPlainTarget>($"{prefix}{i}.example");
                await grain.AddAsync(i, 1);
                grains[i] = grain;
            }
        }

        return grains;
    }

    private async Task DeactivateAllAsync(InProcessTestCluster cluster)
    {
        foreach (var grain in _active)
        {
            await cluster.DeactivateAsync(grain);
        }
    }
}
