using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Tests.Support;
using System.Collections.Generic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests;

public sealed class AccessLogTests : WebFixture
{
    [Test]
    public async Task EachRequest_LogsOneAccessLineInItsContext_WithItsUsage()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), options: o => o.TrustRequestIdHeader = true);
        await app.ProvisionAsync("alpha.test");

        using var response = await app.GetAsync("alpha.test", "/db?page=2", [new("X-Request-Id", "r-1"), new("User-Agent", "tests/1.0")]);
        var body = await response.Content.ReadAsByteArrayAsync();
        await AccessLinesAsync(1);

        var line = AccessLines.Single();
        Assert.Multiple(() =>
        {
            Assert.That(Property(line, "ServerName"), Is.EqualTo("alpha.test"));
            Assert.That(Property(line, "Request"), Is.EqualTo("GET-1"));
            Assert.That(Property(line, "RequestId"), Is.EqualTo("r-1"));
            Assert.That(Property(line, "Status"), Is.EqualTo("200"));
            Assert.That(Scalar(line, "ResponseBytes"), Is.EqualTo((long)body.Length));
            Assert.That(Scalar(line, "DbTransactions"), Is.EqualTo(1L));
            Assert.That(Scalar(line, "DbMs"), Is.EqualTo(7.0).Within(0.001));
            Assert.That(Scalar(line, "DbWaitMs"), Is.EqualTo(2.0).Within(0.001));
            Assert.That(Scalar(line, "RowsFetched"), Is.EqualTo(12L));
            Assert.That((double)Scalar(line, "SentMs")!, Is.GreaterThanOrEqualTo((double)Scalar(line, "ElapsedMs")!));
            Assert.That(line.Properties.ContainsKey("CpuMs"), Is.False, "no CPU figure while tracking is off");
            Assert.That(line.RenderMessage(), Does.StartWith($"Processed request: GET /db?page=2 200 {body.Length}B in "));
            Assert.That(line.RenderMessage(), Does.Contain("tests/1.0"));
        });
    }

    [Test]
    public async Task CpuTrackingOn_TheLineCarriesTheRequestsOwnCpu()
    {
        LoggingContext.TrackCpuTime = true;
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/burn", () => CpuBurn.For(TimeSpan.FromMilliseconds(40)));
        });
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/burn");
        await AccessLinesAsync(1);

        Assert.That((double)Scalar(AccessLines.Single(), "CpuMs")!, Is.InRange(35.0, 1000.0));
    }

    [Test]
    public async Task RequestsNotRoutedToAServer_LogNoAccessLine()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("nobody.test", "/whoami");
        await app.GetAsync("alpha.test", "/whoami");
        await AccessLinesAsync(1);

        Assert.That(AccessLines.Select(e => Property(e, "ServerName")), Is.EqualTo(new[] { "alpha.test" }));
    }

    [Test]
    public async Task DefaultLevel_ErrorFor5xx_WarningFor503_InformationOtherwise()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        });
        await app.ProvisionAsync("alpha.test");

        foreach (var code in new[] { 200, 404, 500, 503 })
        {
            await app.GetAsync("alpha.test", $"/status/{code}");
        }

        var levels = (await AccessLinesAsync(4)).ToDictionary(e => Property(e, "Status")!, e => e.Level);
        Assert.That(levels, Is.EquivalentTo(new Dictionary<string, LogEventLevel>
        {
            ["200"] = LogEventLevel.Information,
            ["404"] = LogEventLevel.Information,
            ["500"] = LogEventLevel.Error,
            ["503"] = LogEventLevel.Warning,
        }));
    }

    [Test]
    public async Task WithoutUsage_TheLineEndsWithTheClient_AndCarriesNoUsage()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), options: o => o.AccessLog.IncludeUsage = false);
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/db", [new("User-Agent", "tests/1.0")]);
        var line = (await AccessLinesAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(line.RenderMessage(), Does.Match(@"^Processed request: GET /db 200 \d+B in [\d.]+ms \(sent [\d.]+ms\) 127\.0\.0\.1 - ""tests/1\.0""$"));
            Assert.That(line.Properties.Keys, Has.None.StartsWith("Db").And.None.EqualTo("RowsFetched").And.None.EqualTo("CpuMs"));
        });
    }

    [Test]
    public async Task Off_NoLineIsWritten()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), options: o => o.AccessLog.Enabled = false);
        var server = await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/whoami");
        await CompletedAsync(app, server, 1);

        Assert.That(AccessLines, Is.Empty);
    }

    [Test]
    public async Task GetLevel_ChoosesTheLevel_AndALevelTheLoggerSkipsWritesNoLine()
    {
        (double ElapsedMs, Exception? Exception) seen = default;
        global::Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Information().Enrich.FromLoggingContext().WriteTo.Sink(Log).CreateLogger();
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), options: o => o.AccessLog.GetLevel = (http, elapsed, exception) =>
        {
            seen = (elapsed, exception);
            return http.Request.Path == "/whoami" ? LogEventLevel.Debug : LogEventLevel.Warning;
        });
        var server = await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/whoami");
        await app.GetAsync("alpha.test", "/fail");
        await CompletedAsync(app, server, 2);

        Assert.Multiple(() =>
        {
            Assert.That(AccessLines.Select(e => (Property(e, "Url"), e.Level)), Is.EqualTo(new[] { ("/fail", LogEventLevel.Warning) }));
            Assert.That(seen.Exception?.Message, Is.EqualTo("the handler broke"));
            Assert.That(seen.ElapsedMs, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task Timings_ReadTheSameInEveryCulture_AndKeepTheirFullValueForStructuredSinks()
    {
        var german = new System.Globalization.CultureInfo("de-DE");
        Assume.That(german.NumberFormat.NumberDecimalSeparator, Is.EqualTo(","), "a culture whose decimals differ is needed");
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/db");
        var line = (await AccessLinesAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(line.RenderMessage(german), Does.Match(@" in \d+\.\dms \(sent \d+\.\dms\) db 1txn 7\.0ms wait 2\.0ms rows 12 "));
            Assert.That(Scalar(line, "ElapsedMs"), Is.TypeOf<double>());
        });
    }

    /// <summary>Waits until the server has completed <paramref name="count"/> requests: their access lines, if any, are written.</summary>
    private static async Task CompletedAsync(TestApp app, ContextFlow.Hosting.Server server, int count)
    {
        var state = app.App.Services.GetRequiredService<TenantRegistry>().Peek(server)!;
        for (var i = 0; i < 2000 && (state.Requests < count || state.InFlight > 0); i++)
        {
            await Task.Delay(5);
        }
    }

    private static object? Scalar(LogEvent e, string name) => e.Properties.TryGetValue(name, out var v) && v is ScalarValue s ? s.Value : null;
}
