using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Orleans.Tests.Support;
using ContextFlow.Tests.Hosting;
using ContextFlow.Time;
using Orleans.Runtime;

namespace ContextFlow.Orleans.Tests;

public sealed class TenantLifecycleTests : ClusterFixture
{
    [Test]
    public async Task FirstCall_FindsTheServerStarted_OnItsSilosOwnRunningSignal()
    {
        var seen = await Cluster.Client.GetGrain<ITestTenant>("first.example").EchoAsync("");

        var silo = TestClusters.Tenants(TestClusters.SiloOf(Cluster, seen.Silo));
        var signals = Cluster.Silos.Select(s => TestClusters.Tenants(s).Host.Running).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(silo.Host.TryGetServer("first.example", out var server) ? server.State : (ServerState?)null, Is.EqualTo(ServerState.Running));
            Assert.That(signals.Distinct().Count(), Is.EqualTo(3), "each silo has a running signal of its own");
            Assert.That(signals.All(s => s.IsRunning), "each is marked once its silo is active");
            Assert.That(signals, Has.None.SameAs(RunningSignal.Process), "the process-wide signal is nobody's in a silo");
            Assert.That(Log.Messages, Has.Some.Contains("\"first.example\"").And.Contains("is active on silo"));
        });
    }

    [Test]
    public async Task DeactivatedTenant_ShutsItsServerDown_NoTimerFiresAfterwards_ServerCollectable_NextCallGetsAFreshServer()
    {
        var tenant = Cluster.Client.GetGrain<ITestTenant>("gamma.example");
        var first = await tenant.EchoAsync("");
        var references = Track(first.ServerKey);
        Tick(3);
        var ticksWhileActive = TenantRegistry.Ticks(first.ServerKey);

        await Cluster.DeactivateAsync(tenant);
        Tick(10);
        var second = await tenant.EchoAsync("");

        Assert.Multiple(() =>
        {
            Assert.That(ticksWhileActive, Is.EqualTo(3), "the server's looping call ran while the tenant was active");
            Assert.That(TenantRegistry.Ticks(first.ServerKey), Is.EqualTo(ticksWhileActive), "no timer of the old server fired after deactivation");
            Assert.That(second.ServerKey, Is.Not.EqualTo(first.ServerKey), "the reactivated tenant has a new server");
            Assert.That(second.Silo, Is.EqualTo(first.Silo), "hash-based placement brings the tenant back to the same silo");
            Assert.That(Log.Messages, Has.Some.Contains($"Received shutdown request for \"gamma.example\" (\"{first.ServerKey.Split('/')[1]}\")"));
            Assert.That(Log.Messages, Has.Some.Contains("Deactivating tenant \"gamma.example\"").And.Contains("ApplicationRequested"));
        });
        await Collectable.AssertCollectedAsync(references);
    }

    [Test]
    public async Task MigratedTenant_ShutsDownOnTheSiloItLeft_StartsFreshOnTheTarget()
    {
        var tenant = Cluster.Client.GetGrain<ITestTenant>("delta.example");
        var first = await tenant.EchoAsync("");
        var references = Track(first.ServerKey);
        var target = Cluster.Silos.First(s => s.SiloAddress.ToString() != first.Silo).SiloAddress;

        await Cluster.MigrateAsync(tenant, target);
        var second = await tenant.EchoAsync("");
        Tick(2);

        Assert.Multiple(() =>
        {
            Assert.That(second.Silo, Is.EqualTo(target.ToString()));
            Assert.That(second.ServerKey, Is.Not.EqualTo(first.ServerKey));
            Assert.That(TenantRegistry.Ticks(first.ServerKey), Is.Zero, "the server that stayed behind never ticks again");
            Assert.That(TenantRegistry.Ticks(second.ServerKey), Is.Positive, "the new server's looping call runs");
            Assert.That(Log.Messages, Has.Some.Contains("Deactivating tenant \"delta.example\"").And.Contains("Migrating"));
        });
        await Collectable.AssertCollectedAsync(references);
    }

    [Test]
    public async Task TenantWhoseSetupThrows_CallFailsWithThatError_OthersUnaffected_NothingOfItStaysReachable()
    {
        var broken = Cluster.Client.GetGrain<ITestTenant>("broken.example");

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => broken.EchoAsync(""));
        var again = Assert.ThrowsAsync<InvalidOperationException>(() => broken.EchoAsync(""));
        var neighbour = await Cluster.Client.GetGrain<ITestTenant>("neighbour.example").EchoAsync("");
        var keys = TenantKeys("broken.example");
        Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("The storage of broken.example is unreachable"));
            Assert.That(again!.Message, Does.Contain("The storage of broken.example is unreachable"), "the tenant stays unreachable");
            Assert.That(neighbour.ContextServer, Is.EqualTo("neighbour.example"));
            Assert.That(keys, Is.Not.Empty);
            Assert.That(keys.Select(TenantRegistry.Ticks), Is.All.Zero, "the delayed call setup scheduled was cancelled");
            Assert.That(Cluster.Silos.Select(s => TestClusters.Tenants(s).Host.TryGetServer("broken.example", out _)), Is.All.False);
            Assert.That(Log.Messages, Has.Some.Contains("Exception during setup of server \"broken.example\""));
        });
        await Collectable.AssertCollectedAsync(keys.Select(TenantRegistry.Reference).ToArray());
    }

    [Test]
    public void UnknownTenant_CallFailsWithKeyNotFound()
    {
        var error = Assert.ThrowsAsync<KeyNotFoundException>(() => Cluster.Client.GetGrain<ITestTenant>("missing.example").EchoAsync(""));

        Assert.That(error!.Message, Does.Contain("No tenant named missing.example"));
    }

    [Test]
    public void DisabledTenant_CallFailsWithServerUnavailable_NoServerIsBuilt()
    {
        var error = Assert.ThrowsAsync<ServerUnavailableException>(() => Cluster.Client.GetGrain<ITestTenant>("disabled.example").EchoAsync(""));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Tenant disabled.example is disabled"));
            Assert.That(error.ServerName, Is.EqualTo("disabled.example"), "the server's name crosses the call with the message");
            Assert.That(error.RetryAfter, Is.Null, "asking again soon will not help");
            Assert.That(TenantKeys("disabled.example"), Is.Empty, "no server was built");
        });
    }

    [Test]
    public void InvalidConfiguration_CallFailsWithConfigException_NoServerIsBuilt()
    {
        var error = Assert.ThrowsAsync<ConfigException>(() => Cluster.Client.GetGrain<ITestTenant>("invalid.example").EchoAsync(""));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("ShutdownGracePeriod"));
            Assert.That(error.Settings, Is.EqualTo(new[] { "ShutdownGracePeriod" }), "the settings cross the call with the message");
            Assert.That(TenantKeys("invalid.example"), Is.Empty, "validation failed before the server was built");
        });
    }

    /// <summary>One interval at a time, as a looping call's grid is laid from the time it fires at.</summary>
    private void Tick(int intervals)
    {
        for (var i = 0; i < intervals; i++)
        {
            Time.Advance(TestTenantServer.TickInterval);
        }
    }

    /// <summary>Weak references to the server and its parts, taken in a frame of their own so no strong one stays on this stack.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] Track(string key) => Collectable.Track(TenantRegistry.Find(key)!);

    private static List<string> TenantKeys(string name) =>
        TenantRegistry.Keys.Where(k => k.StartsWith(name + "/", StringComparison.Ordinal)).ToList();
}
