using System;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>The adapter's contract as a <see cref="PartitionedRateLimiter{TResource}"/>, on fake time.</summary>
public sealed class TenantRateLimiterTests : WebFixture
{
    private FakeTimeProvider _time = null!;
    private TenantRegistry _registry = null!;
    private Server _server = null!;
    private TenantRateLimiter _limiter = null!;

    [SetUp]
    public async Task CreateServerAndLimiter()
    {
        _time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var running = new RunningSignal();
        _registry = new TenantRegistry(Options.Create(new ContextFlowOptions { Running = running }));
        _server = await _registry.Host.ProvisionAsync(new WebTestConfig { ServerName = "alpha.test" }, (c, _) => new WebTestServer(c, running, _time));
        await _registry.Host.StartAsync();
        _limiter = new TenantRateLimiter(new ContextFlowRateLimiterOptions { RateHz = 1, BurstCount = 3 });
    }

    [TearDown]
    public async Task ShutDown()
    {
        _limiter.Dispose();
        await _registry.Host.ShutdownAsync();
        _registry.Dispose();
    }

    [Test]
    public void PermitCounts_FillTheBucket_AndTimeDrainsIt()
    {
        var http = Request("10.0.0.1");

        Assert.Multiple(() =>
        {
            Assert.That(_limiter.AttemptAcquire(http, 2).IsAcquired, "2 of 3");
            Assert.That(_limiter.AttemptAcquire(http, 2).IsAcquired, Is.False, "4 of 3");
            Assert.That(_limiter.AttemptAcquire(http, 1).IsAcquired, "3 of 3: a denied call counted nothing");
            Assert.That(_limiter.AttemptAcquire(http, 1).IsAcquired, Is.False);
        });
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_limiter.AttemptAcquire(http, 1).IsAcquired, "one drained per second");
    }

    [Test]
    public void RejectedLease_SaysWhenToRetry()
    {
        var http = Request("10.0.0.1");
        _limiter.AttemptAcquire(http, 3);

        using var lease = _limiter.AttemptAcquire(http);

        Assert.Multiple(() =>
        {
            Assert.That(lease.IsAcquired, Is.False);
            Assert.That(lease.MetadataNames, Is.EqualTo(new[] { MetadataName.RetryAfter.Name }));
            Assert.That(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait), Is.True);
            Assert.That(wait, Is.EqualTo(TimeSpan.FromSeconds(1)).Within(TimeSpan.FromMilliseconds(5)));
        });
    }

    [Test]
    public void ZeroPermits_AskWithoutCounting()
    {
        var http = Request("10.0.0.1");
        _limiter.AttemptAcquire(http, 2);

        Assert.Multiple(() =>
        {
            Assert.That(_limiter.AttemptAcquire(http, 0).IsAcquired, "one more would fit");
            Assert.That(_limiter.AttemptAcquire(http, 0).IsAcquired, "and still does: asking counted nothing");
            Assert.That(_limiter.AttemptAcquire(http, 1).IsAcquired);
            Assert.That(_limiter.AttemptAcquire(http, 0).IsAcquired, Is.False, "now full");
        });
    }

    [Test]
    public void PermitCounts_OutOfRange()
    {
        var http = Request("10.0.0.1");

        Assert.Multiple(() =>
        {
            Assert.That(() => _limiter.AttemptAcquire(http, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(_limiter.AttemptAcquire(http, 4).IsAcquired, Is.False, "more than the burst is never acquired");
            Assert.That(_limiter.AttemptAcquire(http, 3).IsAcquired, "and took nothing");
        });
    }

    [Test]
    public void Keys_AreCountedApart()
    {
        _limiter.AttemptAcquire(Request("10.0.0.1"), 3);

        Assert.That(_limiter.AttemptAcquire(Request("10.0.0.2"), 3).IsAcquired);
    }

    [Test]
    public async Task AcquireAsync_DoesNotQueue_ItAnswersAtOnce()
    {
        var http = Request("10.0.0.1");
        _limiter.AttemptAcquire(http, 3);

        var waiting = _limiter.AcquireAsync(http, 1);

        Assert.That(waiting.IsCompleted, "no queue: a request over the limit is rejected at once");
        Assert.Multiple(async () =>
        {
            Assert.That((await waiting).IsAcquired, Is.False);
            Assert.That(_limiter.GetStatistics(http), Is.Null, "no statistics are kept");
            Assert.That(async () => await _limiter.AcquireAsync(http, 1, new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        });
    }

    [Test]
    public void RequestsNotRoutedToAServer_AreNotLimited()
    {
        var http = new DefaultHttpContext();

        Assert.That(Enumerable.Range(0, 10).All(_ => _limiter.AttemptAcquire(http, 3).IsAcquired));
    }

    [Test]
    public void Disposed_EveryCallThrows()
    {
        var http = Request("10.0.0.1");

        _limiter.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(() => _limiter.AttemptAcquire(http), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(async () => await _limiter.AcquireAsync(http), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(() => _limiter.GetStatistics(http), Throws.InstanceOf<ObjectDisposedException>());
        });
    }

    [Test]
    public async Task ServersLimiter_EndsWithTheServer()
    {
        var http = Request("10.0.0.1");
        _limiter.AttemptAcquire(http, 3);
        var state = _registry.Peek(_server)!;

        await _registry.Host.DeprovisionAsync("alpha.test");

        Assert.Multiple(() =>
        {
            Assert.That(_registry.Peek(_server), Is.Null, "the server's web state is dropped");
            Assert.That(state.Limiter(_limiter, _ => throw new AssertionException("no new limiter for a gone server")), Is.Null);
        });
    }

    /// <summary>A request routed to the test's server, from a client address.</summary>
    private DefaultHttpContext Request(string ip)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(ip);
        var tenant = _registry.For(_server)!;
        var context = new LoggingContext("GET-1", _server.ServerName, _server.Totals, new RequestInfo("r", IpAddress: ip));
        new TenantRequest(tenant, context, http).Attach();
        return http;
    }
}
