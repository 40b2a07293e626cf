using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Tests.Time;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace ContextFlow.Tests.Background;

/// <summary>Reference §4: run_as_background_process contexts, failures and shutdown.</summary>
public sealed class BackgroundProcessesTests : FakeTimeFixture
{
    private BackgroundProcesses _processes = null!;

    [SetUp]
    public void CreateProcesses() => _processes = new BackgroundProcesses(Clock);

    // Before the fixture shuts the clock down, as a server's shutdown does.
    [TearDown]
    public Task ShutdownProcesses() => _processes.ShutdownAsync(TimeSpan.Zero);

    [Test]
    public async Task RunAsBackgroundProcess_RunsInDescNContextWithoutParent_CallerUnchanged()
    {
        var seen = new ConcurrentQueue<CallbackObservation>();
        Task first, second, other;
        using (new Activity("request").Start())
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            CallbackObservation.Other.Value = "request scope";
            first = _processes.RunAsBackgroundProcess("prune", _ => Observe(seen));
            second = _processes.RunAsBackgroundProcess("prune", async _ =>
            {
                await Clock.SleepAsync(TimeSpan.Zero);
                await Observe(seen);
            });
            other = _processes.RunAsBackgroundProcess("notify", _ => Observe(seen));
            Assert.That(CallbackObservation.Take(), Is.EqualTo(new CallbackObservation("GET-1", "hs", false, true, "request scope")));
            CallbackObservation.Other.Value = null;
        }

        await Task.WhenAll(first, second, other);
        Assert.That(seen.Select(s => s with { HasActivity = false }), Is.EquivalentTo(new[]
        {
            CallbackObservation.Fresh("prune-0", "hs"), CallbackObservation.Fresh("prune-1", "hs"), CallbackObservation.Fresh("notify-0", "hs"),
        }));
        Assert.That(_processes.RunningCount, Is.Zero);
    }

    [Test]
    public async Task RunAsBackgroundProcess_Throws_LoggedWithTheReferenceMessageAndNeverRethrown()
    {
        var sync = _processes.RunAsBackgroundProcess("sync", _ => throw new InvalidOperationException("sync boom"));
        var late = _processes.RunAsBackgroundProcess("late", async _ =>
        {
            await Clock.SleepAsync(TimeSpan.Zero);
            throw new InvalidOperationException("late boom");
        });

        await Task.WhenAll(sync, late);
        Assert.That((sync.IsCompletedSuccessfully, late.IsCompletedSuccessfully), Is.EqualTo((true, true)));
        var errors = Log.Events.Where(e => e.Level == LogEventLevel.Error).Select(e => (e.RenderMessage(), e.Exception?.Message));
        Assert.That(errors, Is.EquivalentTo(new[]
        {
            ("Background process '\"sync\"' threw an exception", "sync boom"),
            ("Background process '\"late\"' threw an exception", "late boom"),
        }));
        Assert.That(Log.Events.Select(e => e.MessageTemplate.Text), Has.Some.EqualTo("Background process '{Description}' threw an exception"));
    }

    [Test]
    public async Task ShutdownAsync_CancelsEveryProcessAndWaits_ThenLaunchingThrows()
    {
        var cancelled = 0;
        var processes = Enumerable.Range(0, 3).Select(_ => _processes.RunAsBackgroundProcess("wait", async ct =>
        {
            try
            {
                await Clock.SleepAsync(TimeSpan.FromDays(1), ct);
            }
            finally
            {
                Interlocked.Increment(ref cancelled);
            }
        })).ToArray();

        await _processes.ShutdownAsync(TimeSpan.FromSeconds(10));

        Assert.That(cancelled, Is.EqualTo(3));
        Assert.That(processes.Select(p => p.IsCompletedSuccessfully), Is.All.True);
        Assert.That(Log.Events.Where(e => e.Level >= LogEventLevel.Warning), Is.Empty, "cancellation by shutdown is not an error");
        Assert.That(() => _processes.RunAsBackgroundProcess("late", _ => Task.CompletedTask),
            Throws.InvalidOperationException.With.Message.EqualTo("Cannot start background process: server 'hs' has been shut down"));
    }

    [Test]
    public async Task ShutdownAsync_ProcessIgnoresCancellation_GivesUpAfterTheGracePeriodOnTheClock()
    {
        var never = new TaskCompletionSource();
        var stubborn = _processes.RunAsBackgroundProcess("stubborn", _ => never.Task);

        var shutdown = _processes.ShutdownAsync(TimeSpan.FromSeconds(5));
        Assert.That(shutdown.IsCompleted, Is.False);
        Time.Advance(TimeSpan.FromSeconds(5));
        await shutdown;

        Assert.That(Log.Messages, Has.Some.Contains("still running after the shutdown grace period"));
        never.SetResult();
        await stubborn;
    }

    [Test]
    public async Task ShutdownAsync_FromARequest_ResumesInTheRequest()
    {
        var waiting = _processes.RunAsBackgroundProcess("wait", ct => Clock.SleepAsync(TimeSpan.FromDays(1), ct));
        using (new LoggingContext("hs_shutdown", "hs").Enter())
        {
            await _processes.ShutdownAsync(TimeSpan.FromSeconds(1));
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("hs_shutdown"));
        }

        Assert.That(waiting.IsCompletedSuccessfully);
    }

    [Test]
    public async Task ManyDistinctDescriptions_WarnOnceAtTheThreshold()
    {
        for (var i = 0; i < BackgroundProcesses.DistinctDescriptionsWarning + 10; i++)
        {
            await _processes.RunAsBackgroundProcess($"fetch_{i}", _ => Task.CompletedTask);
        }

        await _processes.RunAsBackgroundProcess("fetch_0", _ => Task.CompletedTask);
        Assert.That(Log.Messages, Has.Exactly(1).Contains("1000 distinct descriptions").And.Contains("fetch_999"));
    }

    [Test]
    public void BadArguments_Throw()
    {
        Assert.That(() => new BackgroundProcesses(null!), Throws.ArgumentNullException);
        Assert.That(() => _processes.RunAsBackgroundProcess("", _ => Task.CompletedTask), Throws.ArgumentException);
        Assert.That(() => _processes.RunAsBackgroundProcess("x", null!), Throws.ArgumentNullException);
        Assert.That(() => _processes.ShutdownAsync(TimeSpan.FromSeconds(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static Task Observe(ConcurrentQueue<CallbackObservation> seen)
    {
        seen.Enqueue(CallbackObservation.Take());
        return Task.CompletedTask;
    }

    [Test]
    public async Task RunningCountAndResourceUsage_CoverRunningAndEndedProcesses()
    {
        var release = new TaskCompletionSource();
        var ended = _processes.RunAsBackgroundProcess("import", _ =>
        {
            LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromSeconds(2));
            return Task.CompletedTask;
        });
        var running = _processes.RunAsBackgroundProcess("persist", async _ =>
        {
            LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromSeconds(3));
            await release.Task;
        });
        await ended;

        Assert.That(_processes.RunningCount, Is.EqualTo(1));
        Assert.That(_processes.GetResourceUsage().DbTxnDuration, Is.EqualTo(TimeSpan.FromSeconds(5)), "the running process's usage so far counts too");
        Assert.That(_processes.GetResourceUsage().DbTxnCount, Is.EqualTo(2), "reading twice charges nothing twice");

        release.SetResult();
        await running;
        Assert.That((_processes.RunningCount, _processes.GetResourceUsage().DbTxnCount), Is.EqualTo((0, 2)));
    }
}
