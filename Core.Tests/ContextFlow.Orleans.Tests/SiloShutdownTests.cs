using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using ContextFlow.Orleans.Tests.Support;
using ContextFlow.Tests.Hosting;

namespace ContextFlow.Orleans.Tests;

/// <summary>Stops a silo of a cluster of its own (no other test shares it).</summary>
public sealed class SiloShutdownTests : ClusterFixture
{
    [Test]
    public async Task StoppedSilo_ShutsItsTenantsDown_NoTimerFiresAfterwards_ServersCollectable_TenantsReactivateElsewhere()
    {
        var names = Enumerable.Range(0, 30).Select(i => $"s{i:00}.example").ToArray();
        var before = await Task.WhenAll(names.Select(n => Cluster.Client.GetGrain<ITestTenant>(n).EchoAsync("")));
        var leaving = Cluster.Silos[^1];
        var moved = before.Where(s => s.Silo == leaving.SiloAddress.ToString()).ToArray();
        var references = moved.SelectMany(s => Track(s.ServerKey)).ToArray();
        Tick(2);
        var ticks = moved.Select(s => TenantRegistry.Ticks(s.ServerKey)).ToArray();

        await Cluster.StopSiloAsync(leaving);
        Tick(10);
        var after = await Task.WhenAll(moved.Select(s => Cluster.Client.GetGrain<ITestTenant>(s.Tenant).EchoAsync("")));

        Assert.Multiple(() =>
        {
            Assert.That(moved, Is.Not.Empty, "some tenants lived on the silo that stopped");
            Assert.That(ticks, Is.All.EqualTo(2), "their looping calls ran while the silo did");
            Assert.That(moved.Select(s => TenantRegistry.Ticks(s.ServerKey)), Is.EqualTo(ticks), "no timer of theirs fired after the silo stopped");
            Assert.That(after.Select(s => s.Silo), Has.None.EqualTo(leaving.SiloAddress.ToString()), "they reactivated on the other silos");
            Assert.That(after.Select(s => s.ServerKey).Intersect(moved.Select(s => s.ServerKey)), Is.Empty, "each with a fresh server");
            Assert.That(Log.Messages.Count(m => m.Contains("Deactivating tenant", StringComparison.Ordinal) && m.Contains("\"ShuttingDown:", StringComparison.Ordinal)),
                Is.EqualTo(moved.Length), "each was shut down by its grain's deactivation");
        });
        await Collectable.AssertCollectedAsync(references);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] Track(string key) => Collectable.Track(TenantRegistry.Find(key)!);

    private void Tick(int intervals)
    {
        for (var i = 0; i < intervals; i++)
        {
            Time.Advance(TestTenantServer.TickInterval);
        }
    }
}
