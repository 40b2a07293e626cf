using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>Servers from configuration over real HTTP: activated on their first request, and restarted under load.</summary>
public sealed class OnDemandServersTests : WebFixture
{
    [Test]
    public async Task FirstRequests_ShareOneActivation_UnknownIs404_DisabledIs503_FailingActivationIs503WithRetryAfter()
    {
        var setups = new ConcurrentDictionary<string, int>();
        await using var app = await StartAsync(
            new Dictionary<string, string?>
            {
                ["Servers:alpha.test:MaxRooms"] = "3",
                ["Servers:off.test:Enabled"] = "false",
                ["Servers:broken.test:MaxRooms"] = "4",
            },
            (config, running) => new WebTestServer(config, running)
            {
                Setup = async ct =>
                {
                    setups.AddOrUpdate(config.ServerName, 1, (_, n) => n + 1);
                    await Task.Delay(200, ct);
                    if (config.ServerName == "broken.test")
                    {
                        throw new InvalidOperationException("its database is down");
                    }
                },
            });
        Assert.That(app.Host.Servers, Is.Empty, "nothing runs before its first request");

        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.GetAsync("alpha.test", "/whoami")));
        using var unknown = await app.GetAsync("nobody.test", "/whoami");
        using var disabled = await app.GetAsync("off.test", "/whoami");
        using var broken = await app.GetAsync("broken.test", "/whoami");
        using var brokenAgain = await app.GetAsync("broken.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That(first.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK), "every first request waits for the one activation");
            Assert.That(setups["alpha.test"], Is.EqualTo(1));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((disabled.StatusCode, disabled.Headers.RetryAfter), Is.EqualTo((HttpStatusCode.ServiceUnavailable, (System.Net.Http.Headers.RetryConditionHeaderValue?)null)));
            Assert.That(broken.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(broken.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That((brokenAgain.StatusCode, setups["broken.test"]), Is.EqualTo((HttpStatusCode.ServiceUnavailable, 1)), "not tried again within its retry delay");
            Assert.That(app.Host.Servers.Select(s => s.ServerName), Is.EqualTo(new[] { "alpha.test" }));
        });

        foreach (var response in first)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task ThousandRestartsUnderLoad_OnlyItsOwnAnswersChange_NoneMixesInstances_TheOthersNeverFail()
    {
        const int Restarts = 1000;
        await using var app = await StartAsync(
            new Dictionary<string, string?>
            {
                ["Servers:alpha.test:MaxRooms"] = "1",
                ["Servers:beta.test:MaxRooms"] = "1",
                ["Servers:gamma.test:MaxRooms"] = "1",
            },
            (config, running) => new WebTestServer(config, running),
            onDemand: false);
        var configs = new ConcurrentDictionary<string, int>();
        foreach (var server in app.Host.Servers)
        {
            configs[server.InstanceId] = 1;
        }

        var others = app.Host.Servers.Where(s => s.ServerName != "alpha.test").Select(s => s.InstanceId).ToArray();
        var answers = new ConcurrentQueue<(string Server, HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var load = new[] { "alpha.test", "alpha.test", "beta.test", "gamma.test" }.Select(name => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await app.GetAsync(name, "/instance");
                answers.Enqueue((name, response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToArray();

        for (var restart = 2; restart <= Restarts + 1; restart++)
        {
            var config = new WebTestConfig { ServerName = "alpha.test", MaxRooms = restart };
            var server = await app.Host.RestartAsync(config, (c, running) => new WebTestServer(c, running));
            configs[server.InstanceId] = restart;
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);

        var byServer = answers.ToLookup(a => a.Server);
        var mixed = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Body.Split(' '))
            .Count(parts => !configs.TryGetValue(parts[1], out var rooms) || rooms != int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) ||
                parts[3] != "True" || parts[0] != parts[4]);
        TestContext.Out.WriteLine($"{Restarts} restarts; alpha answered {byServer["alpha.test"].Count(a => a.Status == HttpStatusCode.OK)} times 200 and " +
            $"{byServer["alpha.test"].Count(a => a.Status == HttpStatusCode.ServiceUnavailable)} times 503, the others {byServer["beta.test"].Count() + byServer["gamma.test"].Count()} times");
        Assert.Multiple(() =>
        {
            Assert.That(mixed, Is.Zero, "an answer from one instance with another's configuration or context");
            Assert.That(byServer["alpha.test"].Select(a => a.Status).Distinct(), Is.SubsetOf(new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
            Assert.That(byServer["alpha.test"].Count(a => a.Status == HttpStatusCode.OK), Is.GreaterThan(0));
            Assert.That(byServer["beta.test"].Concat(byServer["gamma.test"]).Select(a => a.Status), Is.All.EqualTo(HttpStatusCode.OK), "the others never fail");
            Assert.That(byServer["beta.test"].Concat(byServer["gamma.test"]).Select(a => a.Body.Split(' ')[1]).Distinct(), Is.SubsetOf(others),
                "and keep their instances");
        });
    }

    [Test]
    public async Task RestartFromConfiguration_Is503WithRetryAfter1_UntilTheNewInstanceServes([Values] bool onDemand)
    {
        var starting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(
            new Dictionary<string, string?> { ["Servers:alpha.test:MaxRooms"] = "1" },
            (config, running) => new WebTestServer(config, running) { Start = () => config.MaxRooms == 2 ? starting.Task : Task.CompletedTask },
            onDemand);
        using var before = await app.GetAsync("alpha.test", "/instance");
        var old = app.Host.Servers.Single().InstanceId;

        app.App.Configuration["Servers:alpha.test:MaxRooms"] = "2";
        ((IConfigurationRoot)app.App.Configuration).Reload();
        await EventuallyAsync(() => app.Host.TryGetServer("alpha.test", out var s) && s.InstanceId != old && s.State == ServerState.Starting);
        using var during = await app.GetAsync("alpha.test", "/instance");
        starting.SetResult();
        await EventuallyAsync(() => app.Host.TryGetServer("alpha.test", out var s) && s.State == ServerState.Running);
        using var after = await app.GetAsync("alpha.test", "/instance");

        Assert.Multiple(async () =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((during.StatusCode, during.Headers.RetryAfter?.Delta), Is.EqualTo((HttpStatusCode.ServiceUnavailable, (TimeSpan?)TimeSpan.FromSeconds(1))));
            Assert.That(during.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await after.Content.ReadAsStringAsync()).Split(' ')[2], Is.EqualTo("2"), "the new instance, with the new settings");
        });
    }

    [Test]
    public async Task RestartFromConfiguration_SetsUpBesideTheOldInstance_WhichServesMeanwhile_AndServesOnWhenSetupFails()
    {
        var settingUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(
            new Dictionary<string, string?> { ["Servers:alpha.test:MaxRooms"] = "1" },
            (config, running) => new WebTestServer(config, running)
            {
                Setup = async _ =>
                {
                    if (config.MaxRooms == 2)
                    {
                        throw new InvalidOperationException("its database is down");
                    }

                    if (config.MaxRooms == 3)
                    {
                        settingUp.SetResult();
                        await release.Task;
                    }
                },
            },
            onDemand: false);
        var old = app.Host.Servers.Single().InstanceId;

        app.App.Configuration["Servers:alpha.test:MaxRooms"] = "2";
        ((IConfigurationRoot)app.App.Configuration).Reload();
        await EventuallyAsync(() => Log.Messages.Any(m => m.StartsWith("Failed to provision server \"alpha.test\"", StringComparison.Ordinal)));
        using var afterFailure = await app.GetAsync("alpha.test", "/instance");
        var afterFailureBody = await afterFailure.Content.ReadAsStringAsync();

        app.App.Configuration["Servers:alpha.test:MaxRooms"] = "3";
        ((IConfigurationRoot)app.App.Configuration).Reload();
        await settingUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var duringSetup = await app.GetAsync("alpha.test", "/instance");
        var duringSetupBody = await duringSetup.Content.ReadAsStringAsync();
        release.SetResult();
        await EventuallyAsync(() => app.Host.TryGetServer("alpha.test", out var s) && s.State == ServerState.Running && ((WebTestServer)s).Config.MaxRooms == 3);

        Assert.Multiple(() =>
        {
            Assert.That((afterFailure.StatusCode, afterFailureBody.Split(' ')[1]), Is.EqualTo((HttpStatusCode.OK, old)), "a failed setup leaves the old instance serving");
            Assert.That((duringSetup.StatusCode, duringSetupBody.Split(' ')[1]), Is.EqualTo((HttpStatusCode.OK, old)), "the old instance serves while the new one is set up");
        });
    }

    [Test]
    public async Task RunningServerDisabledInConfiguration_IsShutDown_StillListed_And503WithoutRetryAfter()
    {
        await using var app = await StartAsync(
            new Dictionary<string, string?> { ["Servers:alpha.test:MaxRooms"] = "1", ["Servers:beta.test:MaxRooms"] = "1" },
            (config, running) => new WebTestServer(config, running),
            onDemand: false);
        using var before = await app.GetAsync("alpha.test", "/whoami");
        var beta = app.Host.Servers.Single(s => s.ServerName == "beta.test").InstanceId;

        app.App.Configuration["Servers:alpha.test:Enabled"] = "false";
        ((IConfigurationRoot)app.App.Configuration).Reload();
        await EventuallyAsync(() => !app.Host.TryGetServer("alpha.test", out _));
        using var after = await app.GetAsync("alpha.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((after.StatusCode, after.Headers.RetryAfter), Is.EqualTo((HttpStatusCode.ServiceUnavailable, (System.Net.Http.Headers.RetryConditionHeaderValue?)null)));
            Assert.That(app.App.Services.GetRequiredService<ConfigurationServerDirectory<WebTestConfig>>().ServerNames, Does.Contain("alpha.test"), "still configured");
            Assert.That(app.Host.Servers.Single().InstanceId, Is.EqualTo(beta), "the other server is untouched");
        });
    }

    [Test]
    public async Task SectionAddedWhileRunning_IsActivatedOnItsFirstRequest()
    {
        await using var app = await StartAsync(
            new Dictionary<string, string?> { ["Servers:alpha.test:MaxRooms"] = "1" },
            (config, running) => new WebTestServer(config, running));
        using var unknown = await app.GetAsync("delta.test", "/whoami");

        app.App.Configuration["Servers:delta.test:MaxRooms"] = "4";
        ((IConfigurationRoot)app.App.Configuration).Reload();
        await Task.Delay(ConfiguredServers<WebTestConfig, WebTestServer>.ReloadDelay * 4);
        var hostedBefore = app.Host.Servers.Count;
        using var first = await app.GetAsync("delta.test", "/instance");

        Assert.Multiple(async () =>
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(hostedBefore, Is.Zero, "added, but not started before its first request");
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await first.Content.ReadAsStringAsync()).Split(' ')[2], Is.EqualTo("4"));
        });
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.That(i, Is.LessThan(1000), "in time");
            await Task.Delay(10);
        }
    }

    private static Task<TestApp> StartAsync(
        Dictionary<string, string?> servers, Func<WebTestConfig, ContextFlow.Time.RunningSignal, WebTestServer> factory, bool onDemand = true) =>
        TestApp.StartAsync(
            a =>
            {
                a.UseContextFlow();
                Endpoints.MapHandlers(a);
                a.MapGet("/instance", (HttpContext http) =>
                {
                    var server = http.GetContextFlowServer<WebTestServer>();
                    var context = LoggingContext.Current;
                    return $"{server.ServerName} {server.InstanceId} {server.Config.MaxRooms} {ReferenceEquals(context.Parent, server.Totals)} {context.ServerName}";
                });
            },
            configure: builder =>
            {
                builder.Configuration.AddInMemoryCollection(servers);
                builder.Services.AddServersFromConfiguration(builder.Configuration.GetSection("Servers"), factory, options => options.ActivateOnFirstUse = onDemand);
            });
}
