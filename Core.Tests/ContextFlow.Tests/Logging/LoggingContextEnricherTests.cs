using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using Microsoft.Extensions.Logging;
using ILogger = Serilog.ILogger;
using Serilog;
using Serilog.Context;
using Serilog.Extensions.Logging;

namespace ContextFlow.Tests.Logging;

public sealed class LoggingContextEnricherTests : ContextCleanFixture
{
    private InMemorySink _sink = null!;

    [SetUp]
    public void NewSink() => _sink = new InMemorySink();

    private ILogger CreateLogger() => new LoggerConfiguration()
        .Enrich.FromLogContext()
        .Enrich.FromLoggingContext()
        .WriteTo.Sink(_sink)
        .CreateLogger();

    [Test]
    public void test_with_context()
    {
        var logger = CreateLogger();
        using (new LoggingContext("name", "hs.example").Enter())
        {
            logger.Information("Hello there, {Name}!", "steve");
        }

        var e = _sink.Events.Single();
        Assert.That(Prop(e, "Request"), Is.EqualTo("name"));
        Assert.That(Prop(e, "ServerName"), Is.EqualTo("hs.example"));
    }

    [Test]
    public void test_with_request_context()
    {
        var logger = CreateLogger();
        var request = new RequestInfo("POST-1", "POST", "/_matrix/client/v3/sync", "127.0.0.1", "@alice:hs", "@alice:hs", "client", "1.1", "curl");
        var nested = new LoggingContext("POST-1", "hs.example", request: request).CreateNested("db");

        using (nested.Enter())
        {
            logger.Information("Hello there");
        }

        var e = _sink.Events.Single();
        Assert.Multiple(() =>
        {
            Assert.That(Prop(e, "Request"), Does.StartWith("POST-"));
            Assert.That(Prop(e, "RequestId"), Is.EqualTo("POST-1"));
            Assert.That(Prop(e, "Method"), Is.EqualTo("POST"));
            Assert.That(Prop(e, "Url"), Is.EqualTo("/_matrix/client/v3/sync"));
            Assert.That(Prop(e, "IpAddress"), Is.EqualTo("127.0.0.1"));
            Assert.That(Prop(e, "Requester"), Is.EqualTo("@alice:hs"));
            Assert.That(Prop(e, "AuthenticatedEntity"), Is.EqualTo("@alice:hs"));
            Assert.That(Prop(e, "SiteTag"), Is.EqualTo("client"));
            Assert.That(Prop(e, "Protocol"), Is.EqualTo("1.1"));
            Assert.That(Prop(e, "UserAgent"), Is.EqualTo("curl"));
        });
    }

    [Test]
    public void Sentinel_FillsOnlyMissingProperties()
    {
        var logger = CreateLogger();

        logger.Information("plain");
        using (LogContext.PushProperty("ServerName", "set-by-someone-else"))
        {
            logger.Information("already set");
        }

        var events = _sink.Events;
        Assert.Multiple(() =>
        {
            Assert.That(Prop(events[0], "ServerName"), Is.EqualTo("unknown_server_from_sentinel_context"));
            Assert.That(Prop(events[0], "Request"), Is.EqualTo("sentinel"));
            Assert.That(Prop(events[1], "ServerName"), Is.EqualTo("set-by-someone-else"));
            Assert.That(Prop(events[1], "Request"), Is.EqualTo("sentinel"));
        });
    }

    [Test]
    public void RealContext_OverwritesEarlierProperties()
    {
        var logger = CreateLogger();
        using (LogContext.PushProperty("ServerName", "stale"))
        using (new LoggingContext("GET-1", "hs.example").Enter())
        {
            logger.Information("hello");
        }

        Assert.That(Prop(_sink.Events.Single(), "ServerName"), Is.EqualTo("hs.example"));
    }

    [Test]
    public async Task ManyEventsFromThreeServers_CarryTheRightServerEveryTime()
    {
        var logger = CreateLogger();
        var servers = new[] { "a.example", "b.example", "c.example" };

        var work = Enumerable.Range(0, 30).Select(async i =>
        {
            var server = servers[i % 3];
            using (new LoggingContext($"req-{i}", server).Enter())
            {
                for (var n = 0; n < 334; n++)
                {
                    logger.Information("event {N} for {Expected}", n, server);
                    if (n % 50 == 0)
                    {
                        await Task.Yield();
                    }
                }
            }
        });
        await Task.WhenAll(work);

        var events = _sink.Events;
        Assert.That(events, Has.Count.GreaterThanOrEqualTo(10_000));
        var wrong = events.Count(e => Prop(e, "ServerName") != Prop(e, "Expected"));
        Assert.That(wrong, Is.Zero);
    }

    [Test]
    public void MicrosoftExtensionsLogging_GetsTheSameThroughSerilogExtensionsLogging()
    {
        using var factory = new SerilogLoggerFactory(CreateLogger(), dispose: true);
        var melLogger = factory.CreateLogger("Demo");

        using (new LoggingContext("GET-7", "mel.example", request: new RequestInfo("GET-7", Method: "GET")).Enter())
        {
            melLogger.LogInformation("from MEL");
        }

        var e = _sink.Events.Single();
        Assert.That((Prop(e, "ServerName"), Prop(e, "Request"), Prop(e, "Method")), Is.EqualTo(("mel.example", "GET-7", "GET")));
    }

    private static string? Prop(Serilog.Events.LogEvent e, string name) => InMemorySink.StringProperty(e, name);
}
