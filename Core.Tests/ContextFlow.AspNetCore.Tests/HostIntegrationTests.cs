using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;

namespace ContextFlow.AspNetCore.Tests;

public sealed class HostIntegrationTests : WebFixture
{
    [Test]
    public async Task ServersProvisionedBeforeTheHostStarts_StartWhenItHasStarted()
    {
        WebTestServer? alpha = null;
        LoggingContext? startContext = null;
        ServerState stateBeforeStart = default;
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), async (host, running) =>
        {
            alpha = await host.ProvisionAsync(new WebTestConfig { ServerName = "alpha.test" }, (c, _) => new WebTestServer(c, running));
            alpha.Clock.CallWhenRunning(() => startContext = LoggingContext.Current);
            stateBeforeStart = alpha.State;
        });

        Assert.Multiple(() =>
        {
            Assert.That(stateBeforeStart, Is.EqualTo(ServerState.SetUp), "nothing runs before the host has started");
            Assert.That(alpha!.State, Is.EqualTo(ServerState.Running));
            Assert.That(app.Running.IsRunning, "StartedAsync marks the process running");
            Assert.That(startContext?.Name, Is.EqualTo("call_when_running"));
            Assert.That(startContext?.ServerName, Is.EqualTo("alpha.test"));
        });
    }

    [Test]
    public async Task HostStop_ShutsEveryServerDown()
    {
        var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), async (host, running) =>
        {
            foreach (var name in new[] { "a.test", "b.test", "c.test" })
            {
                await host.ProvisionAsync(new WebTestConfig { ServerName = name, LoopEvery = TimeSpan.FromMilliseconds(5), Background = true }, (c, _) => new WebTestServer(c, running));
            }
        });
        var servers = app.Host.Servers.ToList();

        await app.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(servers.Select(s => s.State), Is.All.EqualTo(ServerState.ShutDown));
            Assert.That(app.Host.Servers, Is.Empty);
            Assert.That(Log.Messages.Count(m => m.StartsWith("Received shutdown request for", StringComparison.Ordinal)), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task ServerFailingToStart_IsShutDownAndTheOthersServe()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), async (host, running) =>
        {
            await host.ProvisionAsync(new WebTestConfig { ServerName = "good.test" }, (c, _) => new WebTestServer(c, running));
            await host.ProvisionAsync(
                new WebTestConfig { ServerName = "bad.test" },
                (c, _) => new WebTestServer(c, running) { Start = () => throw new InvalidOperationException("no start") });
        });

        using var good = await app.GetAsync("good.test", "/whoami");
        using var bad = await app.GetAsync("bad.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That((int)good.StatusCode, Is.EqualTo(200));
            Assert.That((int)bad.StatusCode, Is.EqualTo(404), "the failed server left the host");
            Assert.That(app.Host.Servers.Select(s => s.ServerName), Is.EqualTo(new[] { "good.test" }));
            Assert.That(Log.Messages, Has.Some.Contains("servers failed to start and were shut down"));
        });
    }
}
