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
