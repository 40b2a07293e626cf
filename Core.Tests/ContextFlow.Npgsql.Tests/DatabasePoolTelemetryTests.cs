using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using ContextFlow.Tests.Support;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolTelemetryTests : DatabaseFixture
{
    [Test]
    public async Task Metrics_ArePerDescAndTaggedWithTheServer()
    {
        using var metrics = new MetricsRecorder();
        var pool = NewPool("hs");
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            await pool.RunInteractionAsync("get_user", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
            await pool.RunInteractionAsync("get_user", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
            await pool.RunInteractionAsync("get_room", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
        }

        IReadOnlyList<RecordedMeasurement> Of(string instrument, string desc) =>
            metrics.Measurements.Where(m => m.Instrument == instrument && m.Tag("desc") == desc && m.Tag("server_name") == "hs").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(Of("contextflow.db.transactions", "get_user").Select(m => m.Value), Is.EqualTo(new[] { 1.0, 1.0 }));
            Assert.That(Of("contextflow.db.transactions", "get_room").Select(m => m.Value), Is.EqualTo(new[] { 1.0 }));
            Assert.That(Of("contextflow.db.transaction_duration", "get_user").Select(m => m.Value).ToList(), Has.Count.EqualTo(2).And.All.GreaterThan(0));
            Assert.That(Of("contextflow.db.connection_wait", "get_user").Select(m => m.Value).ToList(), Has.Count.EqualTo(2).And.All.GreaterThanOrEqualTo(0));
            Assert.That(Of("contextflow.db.connection_wait", "get_room"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Span_DbDesc_IsAChildOfTheCallersSpan_AndNpgsqlCommandSpansNestUnderIt()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "ContextFlow" or "Npgsql" or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var testSource = new ActivitySource("test");
        var pool = NewPool("hs");

        Activity? request;
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            using (request = testSource.StartActivity("GET /user"))
            {
                await pool.RunInteractionAsync("get_user", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
            }
        }

        var db = stopped.Single(a => a.OperationName == "db.get_user");
        var commands = stopped.Where(a => a.Source.Name == "Npgsql" && a.ParentSpanId == db.SpanId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(db.Source.Name, Is.EqualTo("ContextFlow"));
            Assert.That(db.ParentSpanId, Is.EqualTo(request!.SpanId));
            Assert.That(db.TraceId, Is.EqualTo(request.TraceId));
            Assert.That(db.GetTagItem("server_name"), Is.EqualTo("hs"));
            Assert.That(db.GetTagItem("desc"), Is.EqualTo("get_user"));
            Assert.That(commands, Is.Not.Empty, "Npgsql's command span is a child of db.get_user");
        });
    }

    [Test]
    public async Task FailedInteraction_MarksItsSpanAsAnError()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ContextFlow",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var pool = NewPool("hs");

        using (new LoggingContext("GET-1", "hs").Enter())
        {
            Assert.That(async () => await pool.RunInteractionAsync("broken", (c, t, ct) => t.ExecuteAsync("SELECT no_such_column", null, ct)),
                Throws.InstanceOf<global::Npgsql.PostgresException>());
        }

        Assert.That(stopped.Single(a => a.OperationName == "db.broken").Status, Is.EqualTo(ActivityStatusCode.Error));
    }

    [Test]
    public async Task DataSourceBuiltFromAConnectionString_IsNamedAfterTheServer_InNpgsqlsOwnMetrics()
    {
        var pools = new ConcurrentQueue<object?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Npgsql")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Collect(tags));
        listener.SetMeasurementEventCallback<int>((_, _, tags, _) => Collect(tags));
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Collect(tags));
        listener.Start();
        var pool = NewPool("tenant-x.example");
        using (new LoggingContext("GET-1", "tenant-x.example").Enter())
        {
            await pool.RunInteractionAsync("get_user", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
        }

        listener.RecordObservableInstruments();
        Assert.That(pools, Does.Contain("tenant-x.example"));

        void Collect(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "db.client.connection.pool.name")
                {
                    pools.Enqueue(tag.Value);
                }
            }
        }
    }
}
