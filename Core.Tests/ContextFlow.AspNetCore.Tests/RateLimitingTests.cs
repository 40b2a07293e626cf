using System.Linq;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace ContextFlow.AspNetCore.Tests;

public sealed class RateLimitingTests : WebFixture
{
    [Test]
    public async Task OverTheLimit_Is429WithRetryAfterAndProblemDetails_ThroughUseRateLimiter()
    {
        await using var app = await StartAsync(rateHz: 0.5, burst: 3);
        await app.ProvisionAsync("alpha.test");
        await app.ProvisionAsync("beta.test");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => (int)(await app.GetAsync("alpha.test", "/whoami")).StatusCode));
        using var limited = await app.GetAsync("alpha.test", "/whoami");
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
        using var otherServer = await app.GetAsync("beta.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(200));
            Assert.That((int)limited.StatusCode, Is.EqualTo(429));
            Assert.That(limited.Headers.RetryAfter?.Delta?.TotalSeconds, Is.EqualTo(2), "0.5 Hz: two seconds, rounded up to whole seconds");
            Assert.That(limited.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(429));
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Too Many Requests"));
            Assert.That((int)otherServer.StatusCode, Is.EqualTo(200), "each server limits on its own");
        });
    }

    [Test]
    public async Task Rejection_IsLoggedInTheRequestsContext()
    {
        await using var app = await StartAsync(rateHz: 0.1, burst: 1);
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/whoami");
        await app.GetAsync("alpha.test", "/whoami");
        var lines = await AccessLinesAsync(2);
        Assert.That(lines.Select(e => (Property(e, "Request"), Property(e, "Status"))), Is.EquivalentTo(new[] { ("GET-1", "200"), ("GET-2", "429") }));
    }

    [Test]
    public async Task AdminApi_IsNotLimited()
    {
        await using var app = await StartAsync(rateHz: 0.1, burst: 1, admin: true);
        await app.ProvisionAsync("alpha.test");

        var statuses = new int[5];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = (int)(await app.Client.GetAsync("/_contextflow/servers")).StatusCode;
        }

        Assert.That(statuses, Is.All.EqualTo(200));
    }

    [Test]
    public async Task RejectionStatusAndHandlerTheUserSet_AreKept()
    {
        await using var app = await StartAsync(rateHz: 0.1, burst: 1, limits: o =>
        {
            o.RejectionStatusCode = 420;
            o.OnRejected = (rejected, ct) => new(rejected.HttpContext.Response.WriteAsync("slow down", ct));
        });
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/whoami");
        using var limited = await app.GetAsync("alpha.test", "/whoami");

        Assert.Multiple(async () =>
        {
            Assert.That((int)limited.StatusCode, Is.EqualTo(420));
            Assert.That(await limited.Content.ReadAsStringAsync(), Is.EqualTo("slow down"));
        });
    }

    [Test]
    public async Task RejectionStatusTheUserSet_IsWhatTheProblemDetailsSay()
    {
        await using var app = await StartAsync(rateHz: 0.5, burst: 1, limits: o => o.RejectionStatusCode = 420);
        await app.ProvisionAsync("alpha.test");

        await app.GetAsync("alpha.test", "/whoami");
        using var limited = await app.GetAsync("alpha.test", "/whoami");
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That((int)limited.StatusCode, Is.EqualTo(420));
            Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(420));
            Assert.That(limited.Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public void AGlobalLimiterSetBefore_IsNotReplaced()
    {
        var options = new RateLimiterOptions { GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetNoLimiter("all")) };
        var before = options.GlobalLimiter;

        Assert.Multiple(() =>
        {
            Assert.That(() => options.UseContextFlowAsGlobalLimiter(), Throws.InvalidOperationException.With.Message.Contains("CreateChained"));
            Assert.That(options.GlobalLimiter, Is.SameAs(before));
        });
    }

    private static Task<TestApp> StartAsync(double rateHz, double burst, bool admin = false, System.Action<RateLimiterOptions>? limits = null) => TestApp.StartAsync(
        a =>
        {
            a.UseContextFlow();
            a.UseRateLimiter();
            Endpoints.MapHandlers(a);
            if (admin)
            {
                a.MapContextFlowAdmin();
            }
        },
        configure: b => b.Services.AddRateLimiter(o =>
        {
            limits?.Invoke(o);
            o.UseContextFlowAsGlobalLimiter(l =>
            {
                l.RateHz = rateHz;
                l.BurstCount = burst;
            });
        }));
}
