using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Serilog.Events;

namespace ContextFlow.Tests.Time;

/// <summary>Twisted LoopingCall semantics: first run after one interval, no overlap, grid alignment, death on failure.</summary>
public sealed class LoopingCallTests : FakeTimeFixture
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private DateTimeOffset _start;

    [SetUp]
    public void NoteStart() => _start = Time.GetUtcNow();

    [Test]
    public void LoopingCall_RunsEveryIntervalStartingOneIntervalLater()
    {
        var runs = new List<TimeSpan>();
        Clock.LoopingCall(Interval, () => runs.Add(Clock.UtcNow - _start));

        Advance(9);
        Assert.That(runs, Is.Empty);
        Advance(1);
        Advance(10);
        Advance(10);
        Assert.That(runs, Is.EqualTo(Seconds(10, 20, 30)));
    }

    [Test]
    public void LoopingCall_PendingRun_NeverOverlapsAndNextRunIsOnTheStartGrid()
    {
        var runs = new List<TimeSpan>();
        var pending = new TaskCompletionSource();
        Clock.LoopingCall(Interval, () =>
        {
            runs.Add(Clock.UtcNow - _start);
            return runs.Count == 1 ? pending.Task : Task.CompletedTask;
        });

        Advance(10);
        Advance(10);
        Advance(15);
        Assert.That(runs, Is.EqualTo(Seconds(10)), "no run starts while the first is pending");

        pending.SetResult();                        // finishes at t=35: ticks 20 and 30 are skipped
        Advance(4);
        Assert.That(runs, Is.EqualTo(Seconds(10)));
        Advance(1);
        Advance(10);
        Assert.That(runs, Is.EqualTo(Seconds(10, 40, 50)));
    }

    [Test]
    public void LoopingCall_TimeJumpsPastSeveralTicks_RunsOnceAndRealigns()
    {
        var runs = new List<TimeSpan>();
        Clock.LoopingCall(Interval, () => runs.Add(Clock.UtcNow - _start));

        Advance(35);
        Advance(5);
        Assert.That(runs, Is.EqualTo(Seconds(35, 40)));
    }

    [Test]
    public void LoopingCall_CallbackThrows_StopsAndLogsLoopingCallDied()
    {
        var runs = 0;
        var loop = Clock.LoopingCall(Interval, () =>
        {
            runs++;
            throw new InvalidOperationException("boom");
        });

        Advance(10);
        Advance(10);
        Assert.That(runs, Is.EqualTo(1));
        Assert.That(loop.IsRunning, Is.False);
        Assert.That(Clock.TrackedLoopingCallCount, Is.Zero);
        var died = Log.Events.Single(e => e.MessageTemplate.Text == "Looping call died");
        Assert.That(died.Level, Is.EqualTo(LogEventLevel.Error));
        Assert.That(died.Exception?.Message, Is.EqualTo("boom"));
    }

    [Test]
    public async Task LoopingCall_TaskFails_StopsAndLogsLoopingCallDiedInItsContext()
    {
        Serilog.Log.Logger = new Serilog.LoggerConfiguration()
            .Enrich.FromLoggingContext().WriteTo.Sink(Log).CreateLogger();
        var runs = 0;
        var failing = new TaskCompletionSource();
        var loop = Clock.LoopingCall(Interval, () =>
        {
            runs++;
            return failing.Task;
        });

        Advance(10);
        await Task.Run(() => failing.SetException(new InvalidOperationException("late boom")));
        Advance(10);
        Assert.That(runs, Is.EqualTo(1));
        Assert.That(loop.IsRunning, Is.False);
        var died = Log.Events.Single(e => e.MessageTemplate.Text == "Looping call died");
        Assert.That((InMemorySink.StringProperty(died, "ServerName"), InMemorySink.StringProperty(died, "Request")),
            Is.EqualTo(("hs", "looping_call")));
    }

    [Test]
    public void LoopingCall_Stop_NoFurtherRunsAndUntracked()
    {
        var runs = 0;
        var loop = Clock.LoopingCall(Interval, () => runs++);
        Assert.That(Clock.TrackedLoopingCallCount, Is.EqualTo(1));

        Advance(10);
        loop.Stop();
        loop.Stop();
        Advance(10);
        Assert.That(runs, Is.EqualTo(1));
        Assert.That(loop.IsRunning, Is.False);
        Assert.That(Clock.TrackedLoopingCallCount, Is.Zero);
        Assert.That(loop.Interval, Is.EqualTo(Interval));
    }

    [Test]
    public void LoopingCall_StoppedWhileRunPending_NotLoggedAsDeath()
    {
        var pending = new TaskCompletionSource();
        var loop = Clock.LoopingCall(Interval, () => pending.Task);
        Advance(10);
        loop.Stop();
        pending.SetCanceled();
        Advance(20);
        Assert.That(Log.Messages, Has.None.Contains("Looping call died"));
    }

    private void Advance(int seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    private static TimeSpan[] Seconds(params int[] seconds) => seconds.Select(s => TimeSpan.FromSeconds(s)).ToArray();
}
