using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using ContextFlow.Npgsql;
using ContextFlow.Npgsql.Tests.Support;
using ContextFlow.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>
/// The OpenTelemetry configuration the guides show, run with the SDK and its in-memory exporters: one request through
/// Kestrel that runs a database interaction on the real PostgreSQL and starts a background process that runs another.
/// </summary>
public sealed class OpenTelemetryTests : WebFixture
{
    private const string Tenant = "alpha.test";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>The guides that show <c>AddOpenTelemetry()</c>; each must show the configuration these tests run.</summary>
    private static readonly string[] Guides = ["aspnetcore.md", "database.md"];

    [OneTimeSetUp]
    public Task RequireDatabaseAsync() => TestDatabase.EnsureAvailableAsync();

    [Test]
    public async Task Request_ItsSpanCarriesTheServerAndRequestId_WithTheDatabaseSpansUnderIt()
    {
        var run = await ServeOneRequestAsync();
        var interaction = run.Span("ContextFlow", "db.count_rooms");
        var commands = run.Spans.Where(s => s.Source.Name == "Npgsql" && s.TraceId == run.Request.TraceId).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(run.Request.GetTagItem("server_name"), Is.EqualTo(Tenant));
            Assert.That(run.Request.GetTagItem("request_id"), Is.EqualTo(run.RequestId));
            Assert.That(interaction.ParentSpanId, Is.EqualTo(run.Request.SpanId), "db.{desc} is a child of the request's span");
            Assert.That(interaction.TraceId, Is.EqualTo(run.Request.TraceId));
            Assert.That(interaction.GetTagItem("server_name"), Is.EqualTo(Tenant));
            Assert.That(interaction.GetTagItem("desc"), Is.EqualTo("count_rooms"));
            Assert.That(commands, Is.Not.Empty, "Npgsql's own spans are exported");
            Assert.That(commands.Select(s => s.ParentSpanId), Is.All.EqualTo(interaction.SpanId), "Npgsql's spans nest under db.{desc}");
        });
    }

    [Test]
    public async Task BackgroundProcess_StartedByARequest_IsARootSpanLinkedToTheRequestsSpan()
    {
        var run = await ServeOneRequestAsync();
        var process = run.Span("ContextFlow", "bgproc.index_rooms");
        var interaction = run.Span("ContextFlow", "db.index_rooms");

        Assert.Multiple(() =>
        {
            Assert.That(process.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "a root, not a child of the request");
            Assert.That(process.TraceId, Is.Not.EqualTo(run.Request.TraceId), "a trace of its own");
            Assert.That(process.Links.Select(l => (l.Context.TraceId, l.Context.SpanId)),
                Is.EqualTo(new[] { (run.Request.TraceId, run.Request.SpanId) }), "linked to the span that started it");
            Assert.That(process.GetTagItem("server_name"), Is.EqualTo(Tenant));
            Assert.That(process.GetTagItem("request_id"), Is.EqualTo("index_rooms-0"));
            Assert.That(interaction.ParentSpanId, Is.EqualTo(process.SpanId), "the process's own work nests under it");
        });
    }

    [Test]
    public async Task Metrics_OfTheContextFlowMeter_ArriveTaggedWithTheServer()
    {
        var run = await ServeOneRequestAsync();
        var servers = run.Metrics.Where(m => m.MeterName == "ContextFlow").GroupBy(m => m.Name).ToDictionary(
            g => g.Key, g => g.SelectMany(m => m.MetricPoints).Select(p => Tags(p).GetValueOrDefault("server_name") as string).ToList());
        string[] expected =
        [
            "contextflow.db.transactions", "contextflow.db.transaction_duration", "contextflow.db.connection_wait",
            "contextflow.background_process.starts", "contextflow.background_process.in_flight",
            "contextflow.background_process.db_transactions", "contextflow.background_process.db_transaction_duration",
            "contextflow.background_process.db_connection_wait",
        ];

        Assert.Multiple(() =>
        {
            Assert.That(servers.Where(i => i.Value.Contains(null)).Select(i => i.Key), Is.Empty, "instruments with a point that names no server");
            Assert.That(expected.Where(name => !servers.TryGetValue(name, out var names) || !names.Contains(Tenant)), Is.Empty,
                "instruments with no point of the server");
            Assert.That(run.Metrics.Where(m => m.MeterName == "Npgsql").SelectMany(m => m.MetricPoints).Any(p => Tags(p).ContainsValue(Tenant)),
                "Npgsql's own metrics carry the server's name (the pool's data source is named after it)");
        });
    }

    [Test]
    public void Guides_ShowTheConfigurationTheseTestsRun()
    {
        var root = SampleProcess.RepositoryRoot;
        var tested = Statement(File.ReadAllText(Path.Combine(root, "Core.Tests", "ContextFlow.AspNetCore.Tests", "OpenTelemetryTests.cs")));

        Assert.Multiple(() =>
        {
            foreach (var guide in Guides)
            {
                var snippets = Regex.Matches(File.ReadAllText(Path.Combine(root, "docs", guide)), "```csharp\n(.*?)```", RegexOptions.Singleline)
                    .Select(m => m.Groups[1].Value).Where(code => code.Contains("AddOpenTelemetry()", StringComparison.Ordinal)).ToList();
                Assert.That(snippets, Is.Not.Empty, $"{guide} shows the configuration");
                Assert.That(snippets.Select(Statement), Is.All.EqualTo(tested), $"{guide} shows what is tested");
            }
        });
    }

    /// <summary>
    /// Starts the application with the documented configuration and the in-memory exporters, sends one request, waits
    /// until its span and its background process have ended, and collects the metrics.
    /// </summary>
    private async Task<Run> ServeOneRequestAsync()
    {
        var spans = new Exported<Activity>();
        var metrics = new Exported<MetricSnapshot>();
        DatabaseServer? server = null;
        await using var app = await TestApp.StartAsync(
            map: a =>
            {
                a.UseContextFlow();
                a.MapGet("/rooms", () => server!.CountRoomsAsync());
            },
            provision: async (host, running) =>
                server = await host.ProvisionAsync(new WebTestConfig { ServerName = Tenant }, (c, _) => new DatabaseServer(c, running)),
            configure: builder =>
            {
                // The configuration of the guides, as a reader copies it (Guides_ShowTheConfigurationTheseTestsRun)...
                builder.Services.AddOpenTelemetry()
                    .WithTracing(t => t.AddAspNetCoreInstrumentation().AddSource("ContextFlow").AddNpgsql())
                    .WithMetrics(m => m.AddMeter("ContextFlow").AddNpgsqlInstrumentation());

                // ...and the exporters the tests read, where a service would add its own.
                builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
            });

        using var response = await app.GetAsync(Tenant, "/rooms");
        Assert.That(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {string.Join("\n", Log.Events.Where(e => e.Exception is not null).Select(e => e.Exception))}");
        var ids = (await response.Content.ReadAsStringAsync()).Split(' ');
        var (requestId, traceId) = (ids[0], ActivityTraceId.CreateFromString(ids[1]));
        await server!.Indexed.WaitAsync(Guard);

        // The request's span ends once the response is sent, which the client may see first.
        var waited = Stopwatch.StartNew();
        Activity? request;
        while ((request = spans.Snapshot().SingleOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == traceId)) is null)
        {
            Assert.That(waited.Elapsed, Is.LessThan(Guard), "the request's span never ended");
            await Task.Delay(10);
        }

        app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return new Run(request, requestId, spans.Snapshot(), metrics.Snapshot());
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    /// <summary>The first <c>AddOpenTelemetry()</c> statement of a text, without comments or layout.</summary>
    private static string Statement(string code)
    {
        var start = code.IndexOf("builder.Services.AddOpenTelemetry()", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "no builder.Services.AddOpenTelemetry() in:\n" + code);
        var statement = code[start..(code.IndexOf(';', start) + 1)];
        return Regex.Replace(Regex.Replace(statement, "//[^\n]*", string.Empty), @"\s+", string.Empty);
    }

    private sealed record Run(Activity Request, string RequestId, IReadOnlyList<Activity> Spans, IReadOnlyList<MetricSnapshot> Metrics)
    {
        public Activity Span(string source, string name) =>
            Spans.SingleOrDefault(s => s.Source.Name == source && s.OperationName == name)
            ?? throw new AssertionException($"no span {name} from {source} among: {string.Join(", ", Spans.Select(s => s.OperationName))}");
    }

    /// <summary>What an exporter wrote, readable while it writes.</summary>
    private sealed class Exported<T> : Collection<T>
    {
        public List<T> Snapshot()
        {
            lock (Items)
            {
                return Items.ToList();
            }
        }

        protected override void InsertItem(int index, T item)
        {
            lock (Items)
            {
                base.InsertItem(index, item);
            }
        }
    }

    /// <summary>A tenant with a database: a request counts rooms, and starts a background process that indexes them.</summary>
    private sealed class DatabaseServer(WebTestConfig config, RunningSignal running) : Server(config, running: running)
    {
        private DatabasePool _database = null!;

        /// <summary>The background process the request started.</summary>
        public Task Indexed { get; private set; } = Task.CompletedTask;

        /// <summary>Answers the request's id and trace id.</summary>
        public async Task<string> CountRoomsAsync()
        {
            await _database.RunInteractionAsync("count_rooms", (c, t, ct) => t.QuerySingleAsync("SELECT 3", r => r.GetInt32(0), null, ct));
            Indexed = BackgroundProcesses.RunAsBackgroundProcess("index_rooms", ct =>
                _database.RunInteractionAsync("index_rooms", (c, t, ct2) => t.ExecuteAsync("SELECT 1", null, ct2), ct));
            return $"{LoggingContext.Current.Request!.RequestId} {Activity.Current!.TraceId}";
        }

        protected override Task OnSetupAsync(CancellationToken cancellationToken)
        {
            _database = new DatabasePool(this, TestDatabase.ConnectionString);
            return Task.CompletedTask;
        }
    }
}
