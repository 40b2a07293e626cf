using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;

namespace ContextFlow.Tests.Time;

/// <summary>
/// <see cref="Clock.Shutdown"/> racing every way of scheduling, on another thread: once it has returned no callback
/// starts, and no timer of the clock is left registered with the provider.
/// </summary>
public sealed class ClockShutdownRaceTests : ContextCleanFixture
{
    private const int Trials = 100_000;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);

    public enum Scheduling
    {
        CallLaterAction,
        CallLaterTask,
        LoopingCall,
        LoopingCallNow,
        CallWhenRunningNow,
        CallWhenRunningBeforeRunning,
        MarkRunningWithCallbackWaiting,
        SleepAsync,
        TimeoutAsync,
    }

    [TestCase(Scheduling.CallLaterAction)]
    [TestCase(Scheduling.CallLaterTask)]
    [TestCase(Scheduling.LoopingCall)]
    [TestCase(Scheduling.LoopingCallNow)]
    [TestCase(Scheduling.CallWhenRunningNow)]
    [TestCase(Scheduling.CallWhenRunningBeforeRunning)]
    [TestCase(Scheduling.MarkRunningWithCallbackWaiting)]
    [TestCase(Scheduling.SleepAsync)]
    [TestCase(Scheduling.TimeoutAsync)]
    public void SchedulingRacingShutdown_NoCallbackStartsOnceShutdownReturned_NoTimerLeft(Scheduling scheduling)
    {
        CountingTimeProvider time = null!;
        RunningSignal signal = null!;
        Clock clock = null!;
        Task? task = null;
        var taskDoneWhenShutdownReturned = false;
        var returned = 0;
        int started = 0, late = 0, timersLeft = 0, misuses = 0, sleepsLeftPending = 0, lateTimeouts = 0, callbacksKept = 0;

        void Callback()
        {
            Interlocked.Increment(ref started);
            if (Volatile.Read(ref returned) != 0)
            {
                Interlocked.Increment(ref late);
            }
        }

        Race.Run(
            Trials,
            setUp: _ =>
            {
                time = new CountingTimeProvider();
                signal = new RunningSignal();
                if (scheduling is not (Scheduling.CallWhenRunningBeforeRunning or Scheduling.MarkRunningWithCallbackWaiting))
                {
                    signal.MarkRunning();
                }

                clock = new Clock(time, "hs", signal);
                if (scheduling == Scheduling.MarkRunningWithCallbackWaiting)
                {
                    clock.CallWhenRunning(Callback);
                }

                task = null;
                returned = 0;
            },
            first: _ =>
            {
                try
                {
                    Schedule(scheduling, clock, signal, time, Callback, t => Volatile.Write(ref task, t));
                }
                catch (InvalidOperationException)
                {
                    // Scheduled after shutdown: refused, as it must be.
                }
            },
            second: _ =>
            {
                clock.Shutdown();
                taskDoneWhenShutdownReturned = Volatile.Read(ref task)?.IsCompleted ?? false;
                Volatile.Write(ref returned, 1);
            },
            check: _ =>
            {
                if (scheduling == Scheduling.CallWhenRunningBeforeRunning)
                {
                    // A callback kept by the process-wide signal would keep the shut-down clock alive.
                    callbacksKept += signal.PendingCount;
                    signal.MarkRunning();
                }

                // Anything of the clock still armed would fire now.
                time.Advance(TimeSpan.FromHours(1));
                timersLeft += time.Registered;
                misuses += time.Misuses;
                // A sleep ended by shutdown completes on the pool, never inside Shutdown: give it that moment.
                if (scheduling == Scheduling.SleepAsync && task is not null && !((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)))
                {
                    sleepsLeftPending++;
                }

                if (scheduling == Scheduling.TimeoutAsync && task is { IsFaulted: true } && !taskDoneWhenShutdownReturned)
                {
                    lateTimeouts++;
                }
            });

        TestContext.Out.WriteLine($"{scheduling}: {started} callbacks started in {Trials} races, {late} after Shutdown returned");
        Assert.Multiple(() =>
        {
            Assert.That(late, Is.Zero, $"callbacks that started after Shutdown returned (of {started} that started in {Trials} races)");
            Assert.That(timersLeft, Is.Zero, "timers left registered with the provider");
            Assert.That(misuses, Is.Zero, "timers changed after or while being disposed");
            Assert.That(sleepsLeftPending, Is.Zero, "sleeps still pending after shutdown");
            Assert.That(lateTimeouts, Is.Zero, "timeouts that fired after Shutdown returned");
            Assert.That(callbacksKept, Is.Zero, "callbacks the running signal kept after shutdown");
        });
    }

    [Test]
    public void ShutdownRacingAdvanceOnAnotherThread_NeverBreaksAdvance_LeavesNoTimer()
    {
        CountingTimeProvider time = null!;
        Clock clock = null!;
        var timersLeft = 0;
        var misuses = 0;

        Race.Run(
            2_000,
            setUp: _ =>
            {
                time = new CountingTimeProvider { ChangeSpins = 200 };
                clock = new Clock(time, "hs", new RunningSignal());
                for (var i = 0; i < 20; i++)
                {
                    clock.LoopingCall(Step, () => { });
                }
            },
            first: _ =>
            {
                for (var i = 0; i < 50; i++)
                {
                    time.Advance(Step);
                }
            },
            second: trial =>
            {
                // Spread the shutdown over the whole run of advances.
                Thread.SpinWait(trial % 100 * 100);
                clock.Shutdown();
            },
            check: _ =>
            {
                timersLeft += time.Registered;
                misuses += time.Misuses;
                time.Advance(TimeSpan.FromSeconds(1));
            });

        Assert.That((timersLeft, misuses), Is.EqualTo((0, 0)));
    }

    [Test]
    public void SleepCancelledFromAnotherThread_LeavesNoTimer()
    {
        CountingTimeProvider time = null!;
        Clock clock = null!;
        CancellationTokenSource cancel = null!;
        var sleeps = new List<Task>();
        var timersLeft = 0;
        var misuses = 0;

        Race.Run(
            20_000,
            setUp: _ =>
            {
                time = new CountingTimeProvider { ChangeSpins = 200 };
                clock = new Clock(time, "hs", new RunningSignal());
                cancel = new CancellationTokenSource();
            },
            first: _ => sleeps.Add(clock.SleepAsync(TimeSpan.FromSeconds(1), cancel.Token)),
            second: _ => cancel.Cancel(),
            check: _ =>
            {
                timersLeft += time.Registered;
                misuses += time.Misuses;
                time.Advance(TimeSpan.FromSeconds(2));
            });

        Assert.That((timersLeft, misuses), Is.EqualTo((0, 0)));
        Assert.That(sleeps.TrueForAll(s => s.IsCanceled), "every sleep ends cancelled");
    }

    [Test]
    public void SystemTime_CallLaterAlreadyDispatched_DoesNotStartOnceShutdownReturned()
    {
        const int SystemTrials = 50_000;
        var returned = 0;
        var started = 0;
        var late = 0;
        var calls = new List<IDelayedCall>();
        for (var trial = 0; trial < SystemTrials; trial++)
        {
            var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
            Volatile.Write(ref returned, 0);
            calls.Add(clock.CallLater(TimeSpan.Zero, () =>
            {
                Interlocked.Increment(ref started);
                if (Volatile.Read(ref returned) != 0)
                {
                    Interlocked.Increment(ref late);
                }
            }));

            // Give the timer a varying head start, so that some calls are dispatched to the pool before the shutdown.
            Thread.SpinWait(trial % 500 * 4);
            clock.Shutdown();
            Volatile.Write(ref returned, 1);
        }

        // Dispatched callbacks that lost to the shutdown are refused when they reach the clock; let them get there.
        SpinWait.SpinUntil(() => calls.TrueForAll(c => !c.IsActive), TimeSpan.FromSeconds(30));
        Thread.Sleep(100);
        Assert.That(late, Is.Zero, $"of {started} callbacks that started");
    }

    private static void Schedule(Scheduling scheduling, Clock clock, RunningSignal signal, CountingTimeProvider time, Action callback, Action<Task> keep)
    {
        switch (scheduling)
        {
            case Scheduling.CallLaterAction:
                clock.CallLater(Step, callback);
                time.Advance(Step);
                break;
            case Scheduling.CallLaterTask:
                clock.CallLater(Step, () =>
                {
                    callback();
                    return Task.CompletedTask;
                });
                time.Advance(Step);
                break;
            case Scheduling.LoopingCall:
                clock.LoopingCall(Step, callback);
                time.Advance(Step);
                break;
            case Scheduling.LoopingCallNow:
                clock.LoopingCallNow(Step, callback);
                break;
            case Scheduling.CallWhenRunningNow:
            case Scheduling.CallWhenRunningBeforeRunning:
                clock.CallWhenRunning(callback);
                break;
            case Scheduling.MarkRunningWithCallbackWaiting:
                signal.MarkRunning();
                break;
            case Scheduling.SleepAsync:
                keep(clock.SleepAsync(Step));
                time.Advance(Step);
                break;
            case Scheduling.TimeoutAsync:
                keep(new TaskCompletionSource<int>().Task.TimeoutAsync(Step, clock));
                time.Advance(Step);
                break;
        }
    }
}
