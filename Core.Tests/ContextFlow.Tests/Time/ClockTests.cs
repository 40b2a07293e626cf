using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Time;

/// <summary>The reference's clock cases (test_sleep, test_looping_call, test_looping_call_now, test_call_later) and §2 checklist.</summary>
public sealed class ClockTests : FakeTimeFixture
{
    private const string Server = "test_server";

    protected override string ServerName => Server;

    [Test]
    public async Task test_sleep()
    {
        var competing = Task.Run(async () =>
        {
            using (new LoggingContext("competing", Server).Enter())
            {
                await Clock.SleepAsync(TimeSpan.Zero);
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("competing"));
            }
        });

        using (new LoggingContext("foo", Server).Enter())
        {
            var sleep = Clock.SleepAsync(TimeSpan.FromSeconds(1));
            Assert.That(sleep.IsCompleted, Is.False);
            using (LoggingContext.Preserve())
            {
                Time.Advance(TimeSpan.FromSeconds(1));
            }

            await sleep;
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        await competing;
    }

    [Test]
    public async Task SleepAsync_ZeroDelay_YieldsAndResumesInCallersContext()
    {
        using (new LoggingContext("foo", Server).Enter())
        {
            var sleep = Clock.SleepAsync(TimeSpan.Zero);
            Assert.That(sleep.IsCompleted, Is.False, "a zero sleep must still yield");
            await sleep;
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }
    }

    [Test]
    public void SleepAsync_Cancelled_EndsCancelledBeforeTheDelay()
    {
        using var cancel = new System.Threading.CancellationTokenSource();
        var sleep = Clock.SleepAsync(TimeSpan.FromSeconds(10), cancel.Token);
        cancel.Cancel();
        Assert.That(async () => await sleep, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => Clock.SleepAsync(TimeSpan.FromSeconds(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task test_looping_call()
    {
        var completed = new TaskCompletionSource<(CallbackObservation Seen, string AfterSleep)>(TaskCreationOptions.RunContinuationsAsynchronously);
        ILoopingCall loop;
        using (new LoggingContext("foo", Server).Enter())
        {
            loop = Clock.LoopingCall(TimeSpan.FromSeconds(1), async () =>
            {
                var seen = CallbackObservation.Take();
                using (new LoggingContext("competing", Server).Enter())
                {
                    await Clock.SleepAsync(TimeSpan.Zero);
                    completed.TrySetResult((seen, LoggingContext.Current.Name));
                }
            });
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        Assert.That(completed.Task.IsCompleted, Is.False, "the first call comes one interval later");
        Time.Advance(TimeSpan.FromSeconds(1));
        var (seen, afterSleep) = await completed.Task;
        Assert.That(seen, Is.EqualTo(CallbackObservation.Fresh("looping_call", Server)));
        Assert.That(afterSleep, Is.EqualTo("competing"));
        Assert.That(loop.IsRunning);
    }

    [Test]
    public void test_looping_call_now()
    {
        var seen = new List<(CallbackObservation Seen, DateTimeOffset At)>();
        var start = Clock.UtcNow;
        using (new LoggingContext("foo", Server).Enter())
        {
            Clock.LoopingCallNow(TimeSpan.FromSeconds(1), () => seen.Add((CallbackObservation.Take(), Clock.UtcNow)));
            Assert.That(seen, Has.Count.EqualTo(1), "the first call happens before LoopingCallNow returns");
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        Time.Advance(TimeSpan.FromSeconds(1));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(seen, Is.EqualTo(new[]
        {
            (CallbackObservation.Fresh("looping_call", Server), start),
            (CallbackObservation.Fresh("looping_call", Server), start.AddSeconds(1)),
            (CallbackObservation.Fresh("looping_call", Server), start.AddSeconds(2)),
        }));
    }

    [Test]
    public void test_call_later()
    {
        var seen = new List<CallbackObservation>();
        using (new LoggingContext("foo", Server).Enter())
        {
            Clock.CallLater(TimeSpan.FromSeconds(1), () => seen.Add(CallbackObservation.Take()));
            Clock.CallLater(TimeSpan.Zero, () => seen.Add(CallbackObservation.Take()));
            Assert.That(seen, Is.Empty, "a zero delay still runs on a later turn");
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(seen, Has.Count.EqualTo(1));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(seen, Is.EqualTo(new[] { CallbackObservation.Fresh("call_later", Server), CallbackObservation.Fresh("call_later", Server) }));
    }

    [Test]
    public async Task CallLater_AsyncCallback_ContinuationsKeepTheCallLaterContext()
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Clock.CallLater(TimeSpan.FromSeconds(1), async () =>
        {
            await Task.Yield();
            done.SetResult($"{LoggingContext.Current.Name}@{LoggingContext.Current.ServerName}");
        });

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await done.Task, Is.EqualTo("call_later@test_server"));
    }

    [Test]
    public void CallLater_CallbackThrows_IsLoggedInTheCallbackContext()
    {
        Clock.CallLater(TimeSpan.FromSeconds(1), () => throw new InvalidOperationException("boom"));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(Log.Messages, Has.Some.Contains("Unhandled exception in \"call_later\" callback"));
    }

    [Test]
    public async Task CallbackFailures_AreLoggedNeverThrown()
    {
        var signal = new RunningSignal();
        var clock = new Clock(Time, Server, signal);
        var failing = new TaskCompletionSource();
        clock.CallLater(TimeSpan.FromSeconds(1), () => failing.Task);
        clock.CallWhenRunning(() => throw new InvalidOperationException("start boom"));

        signal.MarkRunning();
        Time.Advance(TimeSpan.FromSeconds(1));
        await Task.Run(() => failing.SetException(new InvalidOperationException("late boom")));

        Assert.That(Log.Events.Where(e => e.Exception is not null).Select(e => (e.RenderMessage(), e.Exception!.Message)), Is.EquivalentTo(new[]
        {
            ("Unhandled exception in \"call_when_running\" callback", "start boom"),
            ("Unhandled exception in \"call_later\" callback", "late boom"),
        }));
        clock.Shutdown();
    }

    [Test]
    public void CallWhenRunning_BeforeAndAfterTheSignal_RunsInCallWhenRunningContext()
    {
        var signal = new RunningSignal();
        var clock = new Clock(Time, Server, signal);
        var seen = new List<CallbackObservation>();
        using (new LoggingContext("foo", Server).Enter())
        {
            clock.CallWhenRunning(() => seen.Add(CallbackObservation.Take()));
            Assert.That(seen, Is.Empty);
            signal.MarkRunning();
            Assert.That(seen, Has.Count.EqualTo(1));
            clock.CallWhenRunning(() => seen.Add(CallbackObservation.Take()));
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        Assert.That(signal.IsRunning);
        Assert.That(seen, Is.EqualTo(new[] { CallbackObservation.Fresh("call_when_running", Server), CallbackObservation.Fresh("call_when_running", Server) }));
    }

    [Test]
    public async Task CallWhenRunning_AsyncCallback_KeepsItsContextAcrossAwaitsAndItsFailureIsLogged()
    {
        var signal = new RunningSignal();
        var clock = new Clock(Time, Server, signal);
        var release = new TaskCompletionSource();
        var resumedIn = "";
        clock.CallWhenRunning(async () =>
        {
            await release.Task;
            resumedIn = LoggingContext.Current.Name;
            throw new InvalidOperationException("async start boom");
        });

        signal.MarkRunning();
        await Task.Run(release.SetResult);

        Assert.That(resumedIn, Is.EqualTo("call_when_running"));
        Assert.That(Log.Events.Where(e => e.Exception is not null).Select(e => (e.RenderMessage(), e.Exception!.Message)), Is.EqualTo(new[]
        {
            ("Unhandled exception in \"call_when_running\" callback", "async start boom"),
        }));
        clock.Shutdown();
    }

    [Test]
    [ContextBoundary("Leaks a context onto the timer thread on purpose, with a raw timer of the fake provider")]
    public void CallbackStartingOutsideTheSentinel_IsReported()
    {
        var leaked = new LoggingContext("leaky", Server);
        Time.CreateTimer(_ => LoggingContext.SetCurrent(leaked), null, TimeSpan.FromSeconds(1), System.Threading.Timeout.InfiniteTimeSpan);
        CallbackObservation? seen = null;
        Clock.CallLater(TimeSpan.FromSeconds(2), () => seen = CallbackObservation.Take());

        Time.Advance(TimeSpan.FromSeconds(2));
        LoggingContext.SetCurrent(null);

        Assert.That(TakeErrors(), Is.EqualTo(new[]
        {
            "Expected `call_later` callback from the timer to start with the sentinel logging context but saw leaky. " +
            "In other words, another task shouldn't have leaked its logging context to us.",
        }));
        Assert.That(seen, Is.EqualTo(CallbackObservation.Fresh("call_later", Server)), "the callback still runs in its own context");
    }

    [Test]
    public void CallbackThatLeaksItsContext_IsReportedAndDoesNotLeakIntoTheTimerThread()
    {
        Clock.CallLater(TimeSpan.FromSeconds(1), () => LoggingContext.SetCurrent(new LoggingContext("leaky", Server)));
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(TakeErrors(), Is.EqualTo(new[] { "Expected logging context call_later but found leaky" }));
        Assert.That(LoggingContext.Current.IsSentinel);
    }

    [Test]
    public void TimeMsecAndUtcNow_ReadTheTimeProvider()
    {
        Time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        Assert.That(Clock.TimeMsec, Is.EqualTo(1_700_000_000_123));
        Assert.That(Clock.UtcNow, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)));
        Assert.That(Clock.ServerName, Is.EqualTo(Server));
    }

    [Test]
    public void BadArguments_Throw()
    {
        Assert.That(() => new Clock(null!, Server), Throws.ArgumentNullException);
        Assert.That(() => new Clock(Time, ""), Throws.ArgumentException);
        Assert.That(() => Clock.CallLater(TimeSpan.FromSeconds(-1), () => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Clock.CallLater(TimeSpan.Zero, (Action)null!), Throws.ArgumentNullException);
        Assert.That(() => Clock.LoopingCall(TimeSpan.Zero, () => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Clock.CallWhenRunning((Action)null!), Throws.ArgumentNullException);
        Assert.That(() => Clock.CallWhenRunning((Func<Task>)null!), Throws.ArgumentNullException);
    }
}
