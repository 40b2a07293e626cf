using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Time;

/// <summary>Tracking of delayed and looping calls, and what <see cref="Clock.Shutdown"/> leaves behind.</summary>
public sealed class ClockShutdownTests : FakeTimeFixture
{
    [Test]
    public void CallLater_CancelRemovesFromTracking_AndFiringRemovesToo()
    {
        var fired = 0;
        var cancelled = Clock.CallLater(TimeSpan.FromSeconds(1), () => fired++);
        var kept = Clock.CallLater(TimeSpan.FromSeconds(1), () => fired++);
        Assert.That(Clock.TrackedDelayedCallCount, Is.EqualTo(2));

        Assert.That(cancelled.Cancel(), Is.True);
        Assert.That(cancelled.Cancel(), Is.False);
        Assert.That((cancelled.IsActive, kept.IsActive), Is.EqualTo((false, true)));
        Assert.That(Clock.TrackedDelayedCallCount, Is.EqualTo(1));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(1));
        Assert.That(kept.IsActive, Is.False);
        Assert.That(kept.Cancel(), Is.False, "a call that ran cannot be cancelled");
        Assert.That(Clock.TrackedDelayedCallCount, Is.Zero);
    }

    [Test]
    public void Shutdown_CancelsTrackedCallsAndLoops_UntrackedCallsStillRun()
    {
        var fired = new System.Collections.Generic.List<string>();
        var tracked = Clock.CallLater(TimeSpan.FromSeconds(1), () => fired.Add("tracked"));
        var untracked = Clock.CallLater(TimeSpan.FromSeconds(1), () => fired.Add("untracked"), cancelOnShutdown: false);
        var loop = Clock.LoopingCall(TimeSpan.FromSeconds(1), () => fired.Add("loop"));
        Assert.That(Clock.TrackedDelayedCallCount, Is.EqualTo(1), "untracked calls are not counted");

        Clock.Shutdown();
        Clock.Shutdown();
        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(fired, Is.EqualTo(new[] { "untracked" }));
        Assert.That((tracked.IsActive, untracked.IsActive, loop.IsRunning), Is.EqualTo((false, false, false)));
        Assert.That((Clock.TrackedDelayedCallCount, Clock.TrackedLoopingCallCount), Is.EqualTo((0, 0)));
        Assert.That(Clock.IsShutdown);
    }

    [Test]
    public void AfterShutdown_SchedulingThrowsNamingTheServer()
    {
        Clock.Shutdown();

        Assert.That(() => Clock.CallLater(TimeSpan.FromSeconds(1), () => { }),
            Throws.InvalidOperationException.With.Message.EqualTo("Cannot start delayed call: server 'hs' has been shut down"));
        Assert.That(() => Clock.CallLater(TimeSpan.FromSeconds(1), () => Task.CompletedTask, cancelOnShutdown: false),
            Throws.InvalidOperationException.With.Message.EqualTo("Cannot start delayed call: server 'hs' has been shut down"));
        Assert.That(() => Clock.LoopingCall(TimeSpan.FromSeconds(1), () => { }),
            Throws.InvalidOperationException.With.Message.EqualTo("Cannot start looping call: server 'hs' has been shut down"));
        Assert.That(() => Clock.LoopingCallNow(TimeSpan.FromSeconds(1), () => Task.CompletedTask),
            Throws.InvalidOperationException.With.Message.EqualTo("Cannot start looping call: server 'hs' has been shut down"));
        Assert.That(() => Clock.CallWhenRunning(() => { }), Throws.InvalidOperationException);
    }

    [Test]
    public void Shutdown_DropsWaitingCallWhenRunningCallbacks()
    {
        var signal = new RunningSignal();
        var clock = new Clock(Time, "hs", signal);
        var other = new Clock(Time, "other", signal);
        var ran = new System.Collections.Generic.List<string>();
        clock.CallWhenRunning(() => ran.Add("hs"));
        other.CallWhenRunning(() => ran.Add("other"));

        clock.Shutdown();
        signal.MarkRunning();
        signal.MarkRunning();

        Assert.That(ran, Is.EqualTo(new[] { "other" }));
    }

    [Test]
    public void Shutdown_OnSystemTime_LeavesTheClockCollectable()
    {
        var signal = new RunningSignal();
        var clock = ScheduleEverythingThenShutdown(signal);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.That(clock.IsAlive, Is.False, "no timer, loop or waiting start-up callback may keep a shut-down clock alive");
        GC.KeepAlive(signal);
    }

    [Test]
    public void Shutdown_CallScheduledInsideACallback_IsCancelledToo()
    {
        var fired = 0;
        Clock.CallLater(TimeSpan.FromSeconds(1), () => Clock.CallLater(TimeSpan.FromSeconds(1), () => fired++));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(Clock.TrackedDelayedCallCount, Is.EqualTo(1));

        Clock.Shutdown();
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.Zero);
    }

    [Test]
    public async Task Shutdown_EndsPendingSleeps_LoopsAndProcessesSleepingStopQuietly()
    {
        var processes = new ContextFlow.Background.BackgroundProcesses(Clock);
        var sleeping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = Clock.LoopingCall(TimeSpan.FromSeconds(1), async () =>
        {
            sleeping.TrySetResult();
            await Clock.SleepAsync(TimeSpan.FromDays(1));
        });
        var process = processes.RunAsBackgroundProcess("persist", async ct =>
        {
            while (true)
            {
                await Clock.SleepAsync(TimeSpan.FromDays(1), ct);
            }
        });
        var plainSleep = Clock.SleepAsync(TimeSpan.FromDays(1));
        Time.Advance(TimeSpan.FromSeconds(1));
        await sleeping.Task;

        Clock.Shutdown();
        await process.WaitAsync(TimeSpan.FromSeconds(30));
        await processes.ShutdownAsync(TimeSpan.FromSeconds(1));

        Assert.That(async () => await plainSleep, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Clock.SleepAsync(TimeSpan.FromSeconds(1)).IsCanceled, "a sleep after shutdown is cancelled at once");
        Assert.That(loop.IsRunning, Is.False);
        Assert.That(Log.Events.Where(e => e.Level >= Serilog.Events.LogEventLevel.Warning).Select(e => e.RenderMessage()), Is.Empty,
            "a loop or process whose sleep ends at shutdown has not failed");
        Assert.That(Clock.TrackedDelayedCallCount, Is.Zero);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference ScheduleEverythingThenShutdown(RunningSignal signal)
    {
        var clock = new Clock(TimeProvider.System, "hs", signal);
        var payload = new byte[1024];
        clock.CallLater(TimeSpan.FromHours(1), () => GC.KeepAlive(payload));
        clock.CallLater(TimeSpan.FromHours(1), () => Task.CompletedTask);
        clock.LoopingCall(TimeSpan.FromHours(1), () => GC.KeepAlive(clock));
        clock.CallWhenRunning(() => GC.KeepAlive(clock));
        clock.Shutdown();
        return new WeakReference(clock);
    }
}
