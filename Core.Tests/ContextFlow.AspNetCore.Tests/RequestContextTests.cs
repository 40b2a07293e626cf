using System.Collections.Generic;
using System.Linq;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ContextFlow.AspNetCore.Tests;

public sealed class RequestContextTests : WebFixture
{
    [Test]
    public async Task EachRequest_RunsInMethodNumberedContextOfItsServer()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        await app.ProvisionAsync("alpha.test");
        await app.ProvisionAsync("beta.test");

        var first = await (await app.GetAsync("alpha.test", "/whoami")).Content.ReadFromJsonAsync<Seen>();
        var second = await (await app.GetAsync("alpha.test", "/whoami")).Content.ReadFromJsonAsync<Seen>();
        var other = await (await app.GetAsync("beta.test", "/whoami")).Content.ReadFromJsonAsync<Seen>();

        Assert.Multiple(() =>
        {
            Assert.That(first!.Context, Is.EqualTo("GET-1"));
            Assert.That(second!.Context, Is.EqualTo("GET-2"));
            Assert.That(other!.Context, Is.EqualTo("GET-1"), "n counts per server");
            Assert.That(other.ContextServer, Is.EqualTo("beta.test"));
        });
    }

    [Test]
    public async Task RequestInfo_DescribesTheRequest()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            // Authentication before UseContextFlow: the user is known when the context is made.
            a.Use((http, next) =>
            {
                if (http.Request.Headers.ContainsKey("X-User"))
                {
                    http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, http.Request.Headers["X-User"]!)], "test"));
                }

                return next(http);
            });
            a.MapTestEndpoints();
        }, options: o => o.TrustRequestIdHeader = true);
        await app.ProvisionAsync("alpha.test");

        var seen = await (await app.GetAsync("alpha.test", "/whoami?x=1", [new("X-Request-Id", "req-abc-1"), new("X-User", "alice")])).Content.ReadFromJsonAsync<Seen>();

        Assert.Multiple(() =>
        {
            Assert.That(seen!.RequestId, Is.EqualTo("req-abc-1"));
            Assert.That(seen.Method, Is.EqualTo("GET"));
            Assert.That(seen.Url, Is.EqualTo("/whoami?x=1"));
            Assert.That(seen.IpAddress, Is.EqualTo("127.0.0.1"));
            Assert.That(seen.Requester, Is.EqualTo("alice"));
        });
    }

    [TestCase("has space")]
    [TestCase("")]
    [TestCase("a-request-id-that-is-far-too-long-a-request-id-that-is-far-too-long-a-request-id-that-is-far-too-long-a-request-id-that-is-far-too-long")]
    public async Task UnfitRequestIdHeader_FallsBackToTheTraceIdentifier(string header)
    {
        string? trace = null;
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/id", (HttpContext http) =>
            {
                trace = http.TraceIdentifier;
                return LoggingContext.Current.Request!.RequestId;
            });
        }, options: o => o.TrustRequestIdHeader = true);
        await app.ProvisionAsync("alpha.test");

        var id = await (await app.GetAsync("alpha.test", "/id", [new("X-Request-Id", header)])).Content.ReadAsStringAsync();

        Assert.That(id, Is.EqualTo(trace));
    }

    [TestCase(false, ExpectedResult = false, TestName = "RequestIdHeader_ByDefault_IsIgnored")]
    [TestCase(true, ExpectedResult = true, TestName = "RequestIdHeader_WhenTrusted_IsTheRequestId")]
    public async Task<bool> RequestIdHeader_IsUsedOnlyWhenTrusted(bool trust)
    {
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.UseContextFlow();
                a.MapGet("/id", () => LoggingContext.Current.Request!.RequestId);
            },
            options: trust ? o => o.TrustRequestIdHeader = true : null);
        await app.ProvisionAsync("alpha.test");

        var id = await (await app.GetAsync("alpha.test", "/id", [new("X-Request-Id", "chosen-by-client")])).Content.ReadAsStringAsync();

        return id == "chosen-by-client";
    }

    [Test]
    public async Task LoggerCallsInTheHandler_CarryTheServerAndRequest()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints(), options: o => o.TrustRequestIdHeader = true);
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/whoami", [new("X-Request-Id", "r-77")]);

        var handled = Log.Events.Where(e => e.MessageTemplate.Text.StartsWith("Handl", System.StringComparison.Ordinal)).ToList();
        Assert.That(handled, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(handled.Select(e => Property(e, "ServerName")), Is.All.EqualTo("alpha.test"));
            Assert.That(handled.Select(e => Property(e, "Request")), Is.All.EqualTo("GET-1"));
            Assert.That(handled.Select(e => Property(e, "RequestId")), Is.All.EqualTo("r-77"));
            Assert.That(handled.Select(e => Property(e, "Url")), Is.All.EqualTo("/whoami"));
        });
    }

    [Test]
    public async Task RequestUsage_RollsUpToTheServersTotals()
    {
        await using var app = await TestApp.StartAsync(a => a.MapTestEndpoints());
        var server = await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/db");
        await app.GetAsync("alpha.test", "/db");

        var usage = server.Totals.GetResourceUsage();
        Assert.Multiple(() =>
        {
            Assert.That(usage.DbTxnCount, Is.EqualTo(2));
            Assert.That(usage.DbTxnDuration.TotalMilliseconds, Is.EqualTo(14).Within(0.001));
            Assert.That(usage.DbSchedDuration.TotalMilliseconds, Is.EqualTo(4).Within(0.001));
            Assert.That(usage.RowsFetched, Is.EqualTo(24));
        });
    }

    [Test]
    public async Task ContextFlowFeature_GivesTheRequestItsServerAndContext()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.UseContextFlow();
            a.MapGet("/feature", (HttpContext http) =>
            {
                var routed = http.Features.GetRequiredFeature<IContextFlowFeature>();
                return $"{routed.Server.ServerName} {routed.Context.Name} {ReferenceEquals(routed.Context, LoggingContext.Current)} {ReferenceEquals(routed.Server, http.GetContextFlowServer<WebTestServer>())}";
            });
        });
        await app.ProvisionAsync("alpha.test");

        var answer = await (await app.GetAsync("alpha.test", "/feature")).Content.ReadAsStringAsync();

        Assert.That(answer, Is.EqualTo("alpha.test GET-1 True True"));
    }

    [Test]
    public async Task GetContextFlowServer_OutsideARoutedRequest_Throws_AndTheFeatureIsAbsent()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Use((http, next) => http.Request.Path == "/probe" ? http.Response.WriteAsync(http.Features.Get<IContextFlowFeature>() is null ? "not routed" : "routed") : next(http));
            a.UseContextFlow();
        });
        await app.ProvisionAsync("alpha.test");

        var answer = await (await app.GetAsync("alpha.test", "/probe")).Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo("not routed"), "before UseContextFlow() a request has no server yet");
            Assert.That(() => new DefaultHttpContext().GetContextFlowServer(), Throws.InvalidOperationException);
        });
    }
}
