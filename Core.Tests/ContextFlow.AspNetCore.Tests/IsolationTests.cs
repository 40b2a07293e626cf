using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serilog;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>Many tenants under load on one listener: no log event is ever attributed to the wrong server or request.</summary>
public sealed class IsolationTests : WebFixture
{
    private const int Tenants = 100;
    private const int Requests = 100_000;

    [Test]
    public async Task HundredTenants_HundredThousandRequests_EveryEventCarriesItsOwnServerAndRequest()
    {
        var sink = new AttributionCheckingSink(rid => $"t{int.Parse(rid.AsSpan(1)) % Tenants}.test");
        global::Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLoggingContext().WriteTo.Sink(sink).CreateLogger();
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/work/{rid}", async (string rid, HttpContext http, ILogger<IsolationTests> logger) =>
            {
                var server = http.GetContextFlowServer();
                logger.LogInformation("Begin {Rid}", rid);
                await Task.Yield();
                logger.LogInformation("After a hop {Rid}", rid);
                await server.Clock.SleepAsync(TimeSpan.Zero);
                await Task.Run(() => logger.LogInformation("On the pool {Rid}", rid));
                logger.LogInformation("End {Rid}", rid);
                return rid;
            });
        }, options: o => o.TrustRequestIdHeader = true);
        for (var t = 0; t < Tenants; t++)
        {
            await app.ProvisionAsync($"t{t}.test", loop: TimeSpan.FromMilliseconds(100), background: true);
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        var failed = 0;
        var elapsed = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, ct) =>
        {
            using var request = TestApp.Request(HttpMethod.Get, $"t{n % Tenants}.test", $"/work/r{n}", headers: [new("X-Request-Id", $"r{n}")]);
            using var response = await client.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode || await response.Content.ReadAsStringAsync(ct) != $"r{n}")
            {
                Interlocked.Increment(ref failed);
            }
        });
        elapsed.Stop();
        await app.DisposeAsync();      // every access line written, every server shut down
        TestContext.Out.WriteLine($"{Requests} requests to {Tenants} tenants in {elapsed.Elapsed.TotalSeconds:0.0} s " +
            $"({Requests / elapsed.Elapsed.TotalSeconds:0} requests/s); {sink.RequestEvents} handler events, {sink.AccessLines} access lines, " +
            $"{sink.OwnedEvents} timer and background events");

        Assert.Multiple(() =>
        {
            Assert.That(failed, Is.Zero, "failed requests");
            Assert.That(sink.MismatchCount, Is.Zero, string.Join('\n', sink.FirstMismatches));
            Assert.That(sink.RequestEvents, Is.EqualTo(4L * Requests));
            Assert.That(sink.AccessLines, Is.EqualTo((long)Requests));
            Assert.That(sink.OwnedEvents, Is.GreaterThan(Tenants), "timers and background processes ran alongside");
        });
    }
}
