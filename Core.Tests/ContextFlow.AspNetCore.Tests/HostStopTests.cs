using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>The web host stops its servers first, so their grace and the host's shutdown timeout bound the whole stop.</summary>
public sealed class HostStopTests : WebFixture
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_shutdownTimeout = TimeSpan.FromSeconds(8);

    private string _logs = null!;

    [SetUp]
    public void CreateLogDirectory() => _logs = Directory.CreateTempSubdirectory("contextflow-stop-").FullName;

    [TearDown]
    public void DeleteLogDirectory() => Directory.Delete(_logs, recursive: true);

    [Test]
    public async Task StopWith200RequestsInFlight_EndsWithinTheShutdownTimeout_ServersDownFilesClosed_LongRequestsAnswered503()
    {
        const int count = 200;
        var entered = 0;
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = await TestApp.StartAsync(
            a =>
            {
                a.UseContextFlow();
                a.MapGet("/sleep/{ms:int}", async (int ms, HttpContext http) =>
                {
                    // Every request waits until all are in, then awaits its server's clock: all 200 are in flight at the stop.
                    if (Interlocked.Increment(ref entered) == count)
                    {
                        allIn.TrySetResult();
                    }

                    await allIn.Task;
                    await http.GetContextFlowServer().Clock.SleepAsync(TimeSpan.FromMilliseconds(ms), http.RequestAborted);
                    return "slept";
                });
            },
            async (host, running) =>
            {
                global::Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLoggingContext()
                    .WriteTo.Sink(Log).WriteTo.ServerFiles(_logs).CreateLogger();
                foreach (var i in Enumerable.Range(0, 10))
                {
                    await host.ProvisionAsync(new WebTestConfig { ServerName = $"s{i}.test", ShutdownGracePeriod = s_grace }, (c, r) => new WebTestServer(c, r));
                }
            },
            configure: b => b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = s_shutdownTimeout));
        var servers = app.Host.Servers.ToList();

        // A third each: short and medium ones end within the grace, long ones only when their server's shutdown ends them.
        int[] sleeps = [30, 300, 30_000];
        var requests = Enumerable.Range(0, count).Select(i => (Sleep: sleeps[i % 3], Call: SendAsync(app, $"s{i % 10}.test", sleeps[i % 3]))).ToList();
        await allIn.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var stopwatch = Stopwatch.StartNew();
        await app.App.StopAsync();
        var stopped = stopwatch.Elapsed;
        TestContext.Out.WriteLine($"StopAsync took {stopped.TotalMilliseconds:F0} ms");
        var states = servers.Select(s => s.State).ToList();
        var files = servers.Select(s => Path.Combine(_logs, s.ServerName + ".log")).ToList();
        var open = files.Where(OpenFiles.IsOpen).ToList();
        var answers = await Task.WhenAll(requests.Select(async r => (r.Sleep, Answer: await r.Call)));
        await app.DisposeAsync();

        var lines = files.SelectMany(File.ReadAllLines).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stopped, Is.LessThan(s_shutdownTimeout), "the whole stop fits in HostOptions.ShutdownTimeout");
            Assert.That(states, Is.All.EqualTo(ServerState.ShutDown), "every server is shut down when StopAsync returns");
            Assert.That(open, Is.Empty, "every server's log file is closed");
            Assert.That(files.Select(f => string.Join('\n', File.ReadLines(f).TakeLast(2))), Is.All.Contains("shut down in"),
                "and flushed to its end: the server's last lines, its shutdown and the host letting go of it");
            Assert.That(answers.Where(a => a.Sleep < s_grace.TotalMilliseconds).Select(a => a.Answer), Is.All.EqualTo("200"),
                "requests that end within the grace are served");
            Assert.That(answers.Where(a => a.Sleep > s_grace.TotalMilliseconds).Select(a => a.Answer), Is.All.EqualTo("503 retry after 1 s").Or.EqualTo("closed"),
                "long requests are answered 503, or their connection closed");
            Assert.That(lines.Count(l => l.Contains("Processed request:", StringComparison.Ordinal) && l.Contains(" 200 ", StringComparison.Ordinal)),
                Is.EqualTo(answers.Count(a => a.Answer == "200")), "every served request's access line is in its server's file");
            Assert.That(Log.Events.Where(e => e.Level >= LogEventLevel.Error).Select(e => e.RenderMessage()), Is.Empty, "nothing is logged as an error");
            Assert.That(Log.Messages, Has.None.Contains("nhandled exception"));
        });
    }

    [Test]
    public async Task RequestCancelledByItsServersShutdown_Is503WithRetryAfterAndProblemDetails_LoggedBelowError()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/forever", async (HttpContext http) =>
            {
                entered.TrySetResult();
                await http.GetContextFlowServer().Clock.SleepAsync(TimeSpan.FromMinutes(5), http.RequestAborted);
                return "never";
            });
        });
        await app.Host.ProvisionAsync(new WebTestConfig { ServerName = "alpha.test", ShutdownGracePeriod = s_grace }, (c, r) => new WebTestServer(c, r));

        var call = app.GetAsync("alpha.test", "/forever");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopwatch = Stopwatch.StartNew();
        await app.Host.DeprovisionAsync("alpha.test");
        var deprovisioned = stopwatch.Elapsed;
        using var response = await call;
        var accessLine = (await AccessLinesAsync()).Single();

        Assert.Multiple(async () =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(503));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("alpha.test"));
            Assert.That(deprovisioned, Is.LessThan(TimeSpan.FromSeconds(5)), "the shutdown ended the request, within its grace");
            Assert.That(Property(accessLine, "Status"), Is.EqualTo("503"));
            Assert.That(accessLine.Level, Is.EqualTo(LogEventLevel.Warning));
            Assert.That(Log.Events.Where(e => e.Level >= LogEventLevel.Error).Select(e => e.RenderMessage()), Is.Empty);
            Assert.That(Log.Events.Where(e => e.MessageTemplate.Text.Contains("with 503", StringComparison.Ordinal)).Select(e => (e.Level, Property(e, "Request"))),
                Is.EqualTo(new[] { (LogEventLevel.Information, "GET-1") }), "said once, in the request's context");
        });
    }

    private static async Task<string> SendAsync(TestApp app, string tenant, int sleep)
    {
        try
        {
            using var response = await app.GetAsync(tenant, $"/sleep/{sleep}");
            return response.Headers.RetryAfter?.Delta is { } retry ? $"{(int)response.StatusCode} retry after {retry.TotalSeconds} s" : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return "closed";
        }
    }
}
