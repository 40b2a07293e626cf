using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Orleans.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace ContextFlow.Orleans.Tests;

/// <summary>A silo that registers only the obsolete <c>ITenantConfigProvider</c> still activates its tenants from it.</summary>
public sealed class LegacyConfigProviderTests
{
    private InProcessTestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartClusterAsync() =>
        _cluster = await TestClusters.StartAsync(1, new FakeTimeProvider(), configureServices: services =>
        {
            services.RemoveAll<IServerConfigProvider<TestTenantConfig>>();
#pragma warning disable CS0618 // Type or member is obsolete: what this test is about.
            services.AddSingleton<ITenantConfigProvider<TestTenantConfig>, LegacyConfigs>();
#pragma warning restore CS0618
        });

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await _cluster.DisposeAsync();

    [Test]
    public async Task TenantActivates_WithTheConfigurationTheObsoleteProviderReturns()
    {
        var echo = await _cluster.Client.GetGrain<ITestTenant>("legacy.example").EchoAsync("hi");

        Assert.Multiple(() =>
        {
            Assert.That(echo.ContextServer, Is.EqualTo("legacy.example"));
            Assert.That(LegacyConfigs.Asked, Is.EqualTo(1), "the obsolete provider was asked, once");
            Assert.That(_cluster.Silos.Select(s => TestClusters.Tenants(s).Host.TryGetServer("legacy.example", out _)), Has.One.True);
        });
    }

#pragma warning disable CS0618 // Type or member is obsolete: what this test is about.
    private sealed class LegacyConfigs : ITenantConfigProvider<TestTenantConfig>
#pragma warning restore CS0618
    {
        public static int Asked;

        public Task<TestTenantConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Asked);
            return Task.FromResult<TestTenantConfig?>(new TestTenantConfig { ServerName = serverName, ShutdownGracePeriod = TimeSpan.FromSeconds(10) });
        }
    }
}
