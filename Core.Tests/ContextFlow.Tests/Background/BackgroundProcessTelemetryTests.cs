using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using ContextFlow.Tracing;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Background;

/// <summary>Background-process metrics (MeterListener) and spans (ActivityListener), reference §4 and rule 8.</summary>
public sealed class BackgroundProcessTelemetryTests : ContextCleanFixture
{
    private static readonly ActivitySource RequestSource = new("ContextFlow.Tests.Requests");

    [Test]
    public async Task MeterListener_SeesStartsInFlightAndDatabaseUsageTaggedWithNameAndServer()
    {
        var server = $"metrics-{Guid.NewGuid():N}.example";
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Name, string? Server)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ContextFlow" && instrument.Name.StartsWith("contextflow.background_process.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "name"), Tag(tags, "server_name"))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "name"), Tag(tags, "server_name"))));
        listener.Start();

        var clock = new Clock(new FakeTimeProvider(), server, new RunningSignal());
        var processes = new BackgroundProcesses(clock);
        var request = new LoggingContext("GET-1", server);
        using (request.Enter())
        {
            await processes.RunAsBackgroundProcess("persist", _ =>
            {
                LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(30));
                LoggingContext.Current.RecordDatabaseScheduled(TimeSpan.FromMilliseconds(5));
                return Task.CompletedTask;
            });
        }

        listener.RecordObservableInstruments();
        await processes.ShutdownAsync(TimeSpan.Zero);

        Assert.That(request.GetResourceUsage().DbTxnCount, Is.Zero, "a background process is not charged to its caller");
        var ours = measurements.Where(m => m.Server == server).ToList();
        Assert.That(ours.Select(m => m.Name), Is.All.EqualTo("persist"));
        Assert.That(ours.Where(m => m.Instrument == "contextflow.background_process.starts").Sum(m => m.Value), Is.EqualTo(1));
        Assert.That(ours.Where(m => m.Instrument == "contextflow.background_process.in_flight").Select(m => m.Value), Is.EqualTo(new[] { 1.0, -1.0 }));
        Assert.That(Last(ours, "contextflow.background_process.db_transactions"), Is.EqualTo(1));
        Assert.That(Last(ours, "contextflow.background_process.db_transaction_duration"), Is.EqualTo(0.030).Within(1e-9));
        Assert.That(Last(ours, "contextflow.background_process.db_connection_wait"), Is.EqualTo(0.005).Within(1e-9));
        Assert.That(ours.Select(m => m.Instrument), Has.Some.EqualTo("contextflow.background_process.cpu_time"));
    }

    [Test]
    public async Task MeterListener_CpuTimeOfAProcess_IsExportedUnderItsDescription()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsWindows(), "per-thread CPU clocks exist on Linux and Windows");
        LoggingContext.TrackCpuTime = true;
        var server = $"cpu-{Guid.NewGuid():N}.example";
        var cpu = new ConcurrentQueue<(double Seconds, string? Name)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "contextflow.background_process.cpu_time")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, v, tags, _) =>
        {
            if (Tag(tags, "server_name") == server)
            {
                cpu.Enqueue((v, Tag(tags, "name")));
            }
        });
        listener.Start();

        var processes = new BackgroundProcesses(new Clock(new FakeTimeProvider(), server, new RunningSignal()));
        await processes.RunAsBackgroundProcess("hash", _ =>
        {
            CpuBurn.For(TimeSpan.FromMilliseconds(20));
            return Task.CompletedTask;
        });
        listener.RecordObservableInstruments();
        await processes.ShutdownAsync(TimeSpan.Zero);

        Assert.That(cpu.Select(c => c.Name), Is.All.EqualTo("hash"));
        Assert.That(cpu.Max(c => c.Seconds), Is.GreaterThanOrEqualTo(0.020));
    }

    [Test]
    public void test_update_metrics_with_negative_time_diff()
    {
        var reporter = new UsageReporter();
        var one = new ResourceUsage(TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(1), TimeSpan.Zero, 0);
        Assert.That(reporter.Next(one), Is.EqualTo(one));

        var backwards = reporter.Next(one with { CpuTime = TimeSpan.Zero });
        Assert.That(backwards, Is.EqualTo(default(ResourceUsage)), "a negative CPU delta is clamped to zero");

        var recovered = reporter.Next(one with { CpuTime = TimeSpan.FromSeconds(3) });
        Assert.That(recovered.CpuTime, Is.EqualTo(TimeSpan.FromSeconds(2)), "counted from the high-water mark, never twice");
    }

    [Test]
    public async Task test_run_as_background_process_standalone()
    {
        var started = new ConcurrentQueue<Activity>();
        using var listener = Listen(started);
        var processes = NewProcesses();
        string? activeInside = null;

        await processes.RunAsBackgroundProcess("some-bg-task", _ =>
        {
            activeInside = Activity.Current?.OperationName;
            return Task.CompletedTask;
        });
        await processes.ShutdownAsync(TimeSpan.Zero);

        var span = started.Single(a => a.Source.Name == ContextFlowTracing.SourceName);
        Assert.That(activeInside, Is.EqualTo("bgproc.some-bg-task"));
        Assert.That((span.OperationName, span.Parent, span.ParentSpanId, span.Links.Count()),
            Is.EqualTo(("bgproc.some-bg-task", (Activity?)null, default(ActivitySpanId), 0)));
        Assert.That(span.GetTagItem("request_id"), Is.EqualTo("some-bg-task-0"));
        Assert.That(span.GetTagItem("server_name"), Is.EqualTo("hs"), "a root span names its server itself");
    }

    [Test]
    public async Task test_run_as_background_process_cross_link()
    {
        var started = new ConcurrentQueue<Activity>();
        using var listener = Listen(started);
        var processes = NewProcesses();
        Activity? inside = null;

        using (var request = RequestSource.StartActivity("some-request"))
        {
            Assert.That(request, Is.Not.Null);
            var task = processes.RunAsBackgroundProcess("some-bg-task", async _ =>
            {
                await Task.Yield();
                inside = Activity.Current;
            });
            Assert.That(Activity.Current, Is.SameAs(request), "the caller's span is unchanged");
            await task;

            var span = started.Single(a => a.Source.Name == ContextFlowTracing.SourceName);
            Assert.That(inside, Is.SameAs(span));
            Assert.That(span.Parent, Is.Null, "a background process is a new root, not a child of the request");
            Assert.That(span.TraceId, Is.Not.EqualTo(request!.TraceId));
            Assert.That(span.Links.Select(l => l.Context), Is.EqualTo(new[] { request.Context }));
        }

        await processes.ShutdownAsync(TimeSpan.Zero);
    }

    private static BackgroundProcesses NewProcesses() => new(new Clock(new FakeTimeProvider(), "hs", new RunningSignal()));

    private static ActivityListener Listen(ConcurrentQueue<Activity> started)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ContextFlowTracing.SourceName or "ContextFlow.Tests.Requests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static double Last(List<(string Instrument, double Value, string? Name, string? Server)> measurements, string instrument) =>
        measurements.Last(m => m.Instrument == instrument).Value;


    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
