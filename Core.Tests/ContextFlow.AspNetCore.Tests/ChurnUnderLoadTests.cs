using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using ContextFlow.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>Tenants come and go while the others serve under load.</summary>
public sealed class ChurnUnderLoadTests : WebFixture
{
    private static readonly string[] s_steady = ["a.test", "b.test", "c.test"];

    private string _logs = null!;

    [SetUp]
    public void CreateLogDirectory() => _logs = Directory.CreateTempSubdirectory("contextflow-churn-").FullName;

    [TearDown]
    public void DeleteLogDirectory() => Directory.Delete(_logs, recursive: true);

    [Test]
    public async Task ProvisionAndDeprovisionUnderLoad_NoOtherRequestFails_TheRemovedServersFileIsClosedAndItIsCollectable()
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.MapTestEndpoints();
                a.MapContextFlowAdmin<WebTestConfig>(config => new WebTestServer(config, a.Services.GetService<ServerHost>()!.Running));
            },
            async (host, running) =>
            {
                global::Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLoggingContext()
                    .WriteTo.Sink(Log).WriteTo.ServerFiles(_logs).CreateLogger();
                foreach (var name in s_steady.Append("gone.test"))
                {
                    await host.ProvisionAsync(new WebTestConfig { ServerName = name, LoopEvery = TimeSpan.FromMilliseconds(20), Background = true }, (c, _) => new WebTestServer(c, running));
                }
            });
        var gone = Track(app.Host, "gone.test");
        var statuses = new ConcurrentDictionary<string, ConcurrentBag<int>>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            string[] tenants = [.. s_steady, "gone.test", "new.test"];
            for (var i = w; !stop.IsCancellationRequested; i++)
            {
                var tenant = tenants[i % tenants.Length];
                using var response = await app.GetAsync(tenant, "/whoami");
                statuses.GetOrAdd(tenant, _ => []).Add((int)response.StatusCode);
            }
        })).ToArray();

        await WaitForRequestsAsync(statuses, 200);
        using var created = await app.Client.PostAsync("/_contextflow/servers", new StringContent("""{"serverName":"new.test"}""", Encoding.UTF8, "application/json"));
        using var deleted = await app.Client.DeleteAsync("/_contextflow/servers/gone.test");
        var countAtRemoval = statuses.Values.Sum(b => b.Count);
        await WaitForRequestsAsync(statuses, countAtRemoval + 400);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var goneFile = Path.Combine(_logs, "gone.test.log");
        var goneLines = File.ReadAllLines(goneFile);
        Assert.Multiple(() =>
        {
            Assert.That((int)created.StatusCode, Is.EqualTo(201));
            Assert.That((int)deleted.StatusCode, Is.EqualTo(204));
            foreach (var tenant in s_steady)
            {
                Assert.That(statuses[tenant], Is.All.EqualTo(200), $"every request to {tenant} succeeded");
            }

            Assert.That(statuses["new.test"], Has.Some.EqualTo(200), "the new server served once provisioned");
            Assert.That(statuses["new.test"].Distinct(), Is.SubsetOf(new[] { 200, 404, 503 }), "unknown, then being set up, then serving");
            Assert.That(statuses["gone.test"].Distinct(), Is.SubsetOf(new[] { 200, 503, 404 }));
            Assert.That(statuses["gone.test"], Has.Some.EqualTo(404), "the removed server answers no more");
            Assert.That(OpenFiles.IsOpen(goneFile), Is.False, "the removed server's log file is closed");
            Assert.That(OpenFiles.IsOpen(Path.Combine(_logs, "a.test.log")), "the others' stay open");
            Assert.That(goneLines.Count(l => l.Contains("Processed request:", StringComparison.Ordinal)), Is.EqualTo(statuses["gone.test"].Count(s => s == 200)),
                "every request the removed server served has its access line in its file");
            Assert.That(goneLines.TakeLast(2), Has.Some.Contains("shut down in"), "the file closes after the server's last lines");
        });
        await Collectable.AssertCollectedAsync(gone);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] Track(ServerHost host, string name) =>
        host.TryGetServer(name, out var server) ? Collectable.Track(server) : throw new AssertionException(name + " is not hosted");

    private static async Task WaitForRequestsAsync(ConcurrentDictionary<string, ConcurrentBag<int>> statuses, int count)
    {
        for (var i = 0; i < 3000 && statuses.Values.Sum(b => b.Count) < count; i++)
        {
            await Task.Delay(5);
        }
    }
}
