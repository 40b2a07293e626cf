using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Metrics;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.Metrics;

public sealed class MeasureTests : ContextCleanFixture
{
    [Test]
    public void Start_RunsTheBlockInAChildOfTheCallersContext()
    {
        var caller = new LoggingContext("GET-1", "hs");
        using (caller.Enter())
        {
            LoggingContext inside;
            using (Measure.Start("fetch_keys"))
            {
                inside = LoggingContext.Current;
            }

            Assert.Multiple(() =>
            {
                Assert.That(inside.Name, Is.EqualTo("fetch_keys"));
                Assert.That(inside.ServerName, Is.EqualTo("hs"));
                Assert.That(inside.Parent, Is.SameAs(caller));
                Assert.That(inside.IsFinished, Is.True);
                Assert.That(LoggingContext.Current, Is.SameAs(caller));
            });
        }
    }

    [Test]
    public void Dispose_RecordsTheBlockTaggedWithNameAndServer()
    {
        using var metrics = new MetricsRecorder();
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            using var measure = Measure.Start("fetch_keys");
            measure.Context!.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(250));
            measure.Context.RecordDatabaseScheduled(TimeSpan.FromMilliseconds(500));
        }

        Assert.Multiple(() =>
        {
            Assert.That(metrics.For("contextflow.block.count", "fetch_keys").Select(m => m.Value), Is.EqualTo(new[] { 1.0 }));
            Assert.That(metrics.For("contextflow.block.duration", "fetch_keys").Single().Value, Is.GreaterThanOrEqualTo(0));
            Assert.That(metrics.For("contextflow.block.cpu_time", "fetch_keys").Single().Value, Is.Zero);
            Assert.That(metrics.For("contextflow.block.db_transactions", "fetch_keys").Single().Value, Is.EqualTo(1));
            Assert.That(metrics.For("contextflow.block.db_transaction_duration", "fetch_keys").Single().Value, Is.EqualTo(0.25));
            Assert.That(metrics.For("contextflow.block.db_connection_wait", "fetch_keys").Single().Value, Is.EqualTo(0.5));
            Assert.That(metrics.For("contextflow.block.in_flight", "fetch_keys").Select(m => m.Value), Is.EqualTo(new[] { 1.0, -1.0 }));
            Assert.That(metrics.For("contextflow.block.count", "fetch_keys").Single().Tag("server_name"), Is.EqualTo("hs"));
        });
    }

    [Test]
    public void BlockUsage_RollsUpIntoTheCaller()
    {
        var caller = new LoggingContext("GET-1", "hs");
        using (caller.Enter())
        {
            using (Measure.Start("inner"))
            {
                LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromSeconds(1));
            }
        }

        Assert.That(caller.GetResourceUsage().DbTxnCount, Is.EqualTo(1));
    }

    [Test]
    public void CpuTime_IsWhatTheBlockContextWasCharged()
    {
        LoggingContext.TrackCpuTime = true;
        using var metrics = new MetricsRecorder();
        LoggingContext block;
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            using var measure = Measure.Start("busy");
            block = measure.Context!;
            var sum = 0L;
            for (var i = 0; i < 1_000_000; i++)
            {
                sum += i % 7;
            }

            Assert.That(sum, Is.Positive);
        }

        Assert.That(metrics.For("contextflow.block.cpu_time", "busy").Single().Value, Is.EqualTo(block.GetResourceUsage().CpuTime.TotalSeconds));
    }

    [Test]
    public async Task AcrossAwaits_TheBlockStaysCurrentAndTheCallerIsRestored()
    {
        using var metrics = new MetricsRecorder();
        var caller = new LoggingContext("GET-1", "hs");
        using (caller.Enter())
        {
            using (Measure.Start("async_block"))
            {
                await Task.Yield();
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("async_block"));
            }

            Assert.That(LoggingContext.Current, Is.SameAs(caller));
        }

        Assert.That(metrics.For("contextflow.block.count", "async_block"), Has.Count.EqualTo(1));
    }

    [Test]
    public void FromTheSentinel_WarnsRunsInAParentlessContextAndRecordsNothing()
    {
        using var metrics = new MetricsRecorder();
        LoggingContext inside;
        using (Measure.Start("orphan"))
        {
            inside = LoggingContext.Current;
        }

        Assert.Multiple(() =>
        {
            Assert.That(inside.Name, Is.EqualTo("orphan"));
            Assert.That(inside.Parent, Is.Null);
            Assert.That(LoggingContext.Current.IsSentinel, Is.True);
            Assert.That(metrics.Measurements.Where(m => m.Tag("name") == "orphan"), Is.Empty);
            Assert.That(Log.Messages, Has.Exactly(1).EqualTo("Starting metrics collection \"orphan\" from sentinel context: metrics will be lost"));
        });
    }

    [Test]
    public void Start_RejectsAnEmptyName()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => Measure.Start(""));
            Assert.Throws<ArgumentNullException>(() => Measure.Start(null!));
        });
    }

    [Test]
    public void DefaultMeasure_DisposesAsANoOp()
    {
        var measure = default(Measure);

        measure.Dispose();

        Assert.That(measure.Context, Is.Null);
    }

    [Test]
    public void BlockThatThrows_IsStillRecordedAndRestored()
    {
        using var metrics = new MetricsRecorder();
        var caller = new LoggingContext("GET-1", "hs");
        using (caller.Enter())
        {
            Assert.Throws<InvalidOperationException>(() =>
            {
                using (Measure.Start("failing"))
                {
                    throw new InvalidOperationException("boom");
                }
            });
            Assert.That(LoggingContext.Current, Is.SameAs(caller));
        }

        Assert.That(metrics.For("contextflow.block.count", "failing"), Has.Count.EqualTo(1));
    }
}
