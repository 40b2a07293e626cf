using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Tests.Support;
using Microsoft.AspNetCore.Builder;
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

    private static object? Scalar(LogEvent e, string name) => e.Properties.TryGetValue(name, out var v) && v is ScalarValue s ? s.Value : null;
}
