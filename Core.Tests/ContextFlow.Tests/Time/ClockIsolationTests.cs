using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Time;

/// <summary>
/// Rule 3: no AsyncLocal of the scheduler (our context, <see cref="Activity.Current"/>, any other) reaches a callback,
/// whether the provider calls back on a pool thread (<see cref="TimeProvider.System"/>) or inline (FakeTimeProvider).
/// The System cases wait on real time briefly but assert nothing about durations.
/// </summary>
public sealed class ClockIsolationTests : ContextCleanFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task FakeTimeProvider_CallbacksSeeNeitherTheSchedulersNorTheAdvancersAsyncLocals()
    {
        var time = new FakeTimeProvider();
        var signal = new RunningSignal();
        var clock = new Clock(time, "hs", signal);
        var seen = new ConcurrentQueue<(string Kind, CallbackObservation Seen)>();
        var asyncDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (new Activity("request").Start())
        using (new LoggingContext("GET-1", "hs", request: new RequestInfo("GET-1")).Enter())
        {
            CallbackObservation.Other.Value = "request scope";
            clock.CallLater(TimeSpan.FromSeconds(1), () => seen.Enqueue(("call_later", CallbackObservation.Take())));
            clock.CallLater(TimeSpan.FromSeconds(1), async () =>
            {
                await Observe(seen, "call_later async");
                asyncDone.SetResult();
            });
            clock.LoopingCall(TimeSpan.FromSeconds(1), () => seen.Enqueue(("looping_call", CallbackObservation.Take())));
            clock.LoopingCallNow(TimeSpan.FromSeconds(1), () => seen.Enqueue(("looping_call_now", CallbackObservation.Take())));
            clock.CallWhenRunning(() => seen.Enqueue(("call_when_running", CallbackObservation.Take())));
            CallbackObservation.Other.Value = null;
        }

        var advancer = new Activity("advancer").Start();
        CallbackObservation.Other.Value = "advancer scope";
        signal.MarkRunning();
        time.Advance(TimeSpan.FromSeconds(1));
        var afterAdvance = (Activity.Current, CallbackObservation.Other.Value);
        CallbackObservation.Other.Value = null;
        advancer.Stop();
        clock.Shutdown();
        await asyncDone.Task.WaitAsync(Patience);

        Assert.That(afterAdvance, Is.EqualTo((advancer, "advancer scope")), "the advancing thread gets its own context back");
        Assert.That(seen.Select(s => s.Kind), Is.EquivalentTo(new[]
        {
            "call_later", "call_later async", "looping_call", "looping_call_now", "looping_call_now", "call_when_running",
        }));
        Assert.That(seen.Select(s => s.Seen), Is.All.Matches<CallbackObservation>(o =>
            o.ServerName == "hs" && !o.HasParent && !o.HasActivity && o.OtherAsyncLocal is null && o.Context != "GET-1"));
        Assert.That(LoggingContext.Current.IsSentinel);
    }

    [Test]
    public async Task SystemTime_CallLater_SeesNoAsyncLocalOfTheCaller()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        var seen = new TaskCompletionSource<CallbackObservation>(TaskCreationOptions.RunContinuationsAsynchronously);
        InRequest(() => clock.CallLater(TimeSpan.FromMilliseconds(1), () => seen.TrySetResult(CallbackObservation.Take())));
        Assert.That(await seen.Task.WaitAsync(Patience), Is.EqualTo(CallbackObservation.Fresh("call_later", "hs")));
    }

    [Test]
    public async Task SystemTime_AsyncCallLater_SeesNoAsyncLocalOfTheCallerAfterAwaiting()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        var seen = new TaskCompletionSource<CallbackObservation>(TaskCreationOptions.RunContinuationsAsynchronously);
        InRequest(() => clock.CallLater(TimeSpan.FromMilliseconds(1), async () =>
        {
            await clock.SleepAsync(TimeSpan.FromMilliseconds(1));
            seen.TrySetResult(CallbackObservation.Take());
        }));
        Assert.That(await seen.Task.WaitAsync(Patience), Is.EqualTo(CallbackObservation.Fresh("call_later", "hs")));
    }

    [Test]
    public async Task SystemTime_LoopingCall_SeesNoAsyncLocalOfTheCaller()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        var seen = new TaskCompletionSource<CallbackObservation>(TaskCreationOptions.RunContinuationsAsynchronously);
        InRequest(() => clock.LoopingCall(TimeSpan.FromMilliseconds(1), () => seen.TrySetResult(CallbackObservation.Take())));
        var observed = await seen.Task.WaitAsync(Patience);
        clock.Shutdown();
        Assert.That(observed, Is.EqualTo(CallbackObservation.Fresh("looping_call", "hs")));
    }

    [Test]
    public async Task SystemTime_LoopingCallNow_InlineAndTimerRunsSeeNoAsyncLocalOfTheCaller()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        var runs = new ConcurrentQueue<CallbackObservation>();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        InRequest(() => clock.LoopingCallNow(TimeSpan.FromMilliseconds(1), () =>
        {
            runs.Enqueue(CallbackObservation.Take());
            if (runs.Count >= 2)
            {
                second.TrySetResult();
            }
        }));
        await second.Task.WaitAsync(Patience);
        clock.Shutdown();
        Assert.That(runs, Is.All.EqualTo(CallbackObservation.Fresh("looping_call", "hs")));
    }

    [Test]
    public async Task SystemTime_CallWhenRunning_SeesNoAsyncLocalOfTheCallerOrTheSignaller()
    {
        var signal = new RunningSignal();
        var clock = new Clock(TimeProvider.System, "hs", signal);
        var seen = new ConcurrentQueue<CallbackObservation>();
        InRequest(() => clock.CallWhenRunning(() => seen.Enqueue(CallbackObservation.Take())));
        await Task.Run(() => InRequest(signal.MarkRunning)).WaitAsync(Patience);
        InRequest(() => clock.CallWhenRunning(() => seen.Enqueue(CallbackObservation.Take())));
        Assert.That(seen, Is.EqualTo(new[] { CallbackObservation.Fresh("call_when_running", "hs"), CallbackObservation.Fresh("call_when_running", "hs") }));
    }

    [Test]
    public async Task SystemTime_SleepAsync_ResumesWithAllTheCallersAsyncLocals()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        using (new Activity("request").Start())
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            CallbackObservation.Other.Value = "request scope";
            await clock.SleepAsync(TimeSpan.FromMilliseconds(1)).WaitAsync(Patience);
            Assert.That(CallbackObservation.Take(), Is.EqualTo(new CallbackObservation("GET-1", "hs", false, true, "request scope")));
        }
    }

    private static async Task Observe(ConcurrentQueue<(string, CallbackObservation)> seen, string kind)
    {
        await Task.Yield();
        seen.Enqueue((kind, CallbackObservation.Take()));
    }

    /// <summary>Runs <paramref name="schedule"/> inside a request with an activity and a foreign AsyncLocal set.</summary>
    private static void InRequest(Action schedule)
    {
        using (new Activity("request").Start())
        using (new LoggingContext("GET-1", "hs", request: new RequestInfo("GET-1")).Enter())
        {
            CallbackObservation.Other.Value = "request scope";
            schedule();
            CallbackObservation.Other.Value = null;
        }
    }
}
