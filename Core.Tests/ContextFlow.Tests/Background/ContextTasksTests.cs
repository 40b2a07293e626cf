using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace ContextFlow.Tests.Background;

/// <summary>Reference §3 (TimeoutDeferredTest, the timeout_deferred context bug) and defer_to_thread.</summary>
public sealed class ContextTasksTests : FakeTimeFixture
{
    [Test]
    public void test_times_out()
    {
        using var cancel = new CancellationTokenSource();
        var work = new TaskCompletionSource<int>();
        var cancellerRan = false;
        cancel.Token.Register(() =>
        {
            cancellerRan = true;
            work.TrySetCanceled(cancel.Token);
        });

        var timed = work.Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock, cancel);
        Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That((cancellerRan, timed.IsCompleted), Is.EqualTo((false, false)));

        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(cancellerRan);
        Assert.That(async () => await timed, Throws.TypeOf<TimeoutException>());
    }

    [Test]
    public void test_times_out_when_canceller_throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Token.Register(() => throw new InvalidOperationException("canceller boom"));
        var timed = new TaskCompletionSource<int>().Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock, cancel);

        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(async () => await timed, Throws.TypeOf<TimeoutException>());
        Assert.That(Log.Events, Has.Some.Matches<LogEvent>(e => e.MessageTemplate.Text == "Canceller failed during timeout" && e.Level == LogEventLevel.Error));
    }

    [Test]
    public void test_logcontext_is_preserved_on_timeout_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        async Task<int> Inner(CancellationToken token)
        {
            await Clock.SleepAsync(TimeSpan.FromSeconds(10), token);
            return 1;
        }

        Task<int> inner;
        using (new LoggingContext("one", "hs").Enter())
        {
            inner = Inner(cancel.Token);
            var timed = inner.TimeoutAsync(TimeSpan.FromSeconds(1), Clock, cancel);
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("one"));
            using (LoggingContext.Preserve())
            {
                Time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.That(async () => await timed, Throws.TypeOf<TimeoutException>());
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("one"));
        }

        Assert.That(async () => await inner, Throws.InstanceOf<OperationCanceledException>(), "the inner work saw the cancellation");
    }

    [Test]
    public async Task test_logcontext_is_not_lost_when_awaiting_on_timeout_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        var work = new TaskCompletionSource<int>();
        cancel.Token.Register(() => work.TrySetCanceled(cancel.Token));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var competing = Task.Run(async () =>
        {
            using (new LoggingContext("competing", "hs").Enter())
            {
                var timed = work.Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock, cancel);
                started.SetResult();
                var error = Assert.ThrowsAsync<TimeoutException>(async () => await timed);
                Assert.That(error, Is.Not.Null);
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("competing"));
            }
        });

        await started.Task;
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(LoggingContext.Current.IsSentinel, "the thread that ran the timer is back in the sentinel");
        await competing;
    }

    [Test]
    public async Task TimeoutAsync_WorkCompletesFirst_ResultPassesThroughAndTimerIsCancelled()
    {
        var work = new TaskCompletionSource<string>();
        var timed = work.Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock);
        Assert.That(Clock.TrackedDelayedCallCount, Is.EqualTo(1));

        work.SetResult("done");
        Assert.That(await timed, Is.EqualTo("done"));
        Assert.That(Clock.TrackedDelayedCallCount, Is.Zero, "no tracked call is left behind");
        Time.Advance(TimeSpan.FromSeconds(2));
    }

    [Test]
    public void TimeoutAsync_WorkFailsOrIsCancelledFirst_OutcomePassesThrough()
    {
        var failing = new TaskCompletionSource<int>();
        var cancelled = new TaskCompletionSource<int>();
        var timedFailing = failing.Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock);
        var timedCancelled = cancelled.Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock);

        failing.SetException(new InvalidOperationException("boom"));
        cancelled.SetCanceled();

        Assert.That(async () => await timedFailing, Throws.InvalidOperationException.With.Message.EqualTo("boom"));
        Assert.That(async () => await timedCancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Clock.TrackedDelayedCallCount, Is.Zero);
        Assert.That(() => failing.Task.TimeoutAsync(TimeSpan.FromSeconds(-1), Clock), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task TimeoutAsync_TaskWithoutResult_TimesOutAndCancelsOrPassesThrough()
    {
        using var cancel = new CancellationTokenSource();
        var sleeping = Clock.SleepAsync(TimeSpan.FromDays(1), cancel.Token);
        var timedOut = sleeping.TimeoutAsync(TimeSpan.FromSeconds(1), Clock, cancel);
        var finishing = new TaskCompletionSource();
        var passedThrough = finishing.Task.TimeoutAsync(TimeSpan.FromSeconds(1), Clock);

        finishing.SetResult();
        await passedThrough;
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(async () => await timedOut, Throws.TypeOf<TimeoutException>());
        Assert.That(async () => await sleeping, Throws.InstanceOf<OperationCanceledException>(), "the work was cancelled");
        Assert.That(Clock.TrackedDelayedCallCount, Is.Zero);
    }

    [Test]
    public async Task DeferToThreadPool_RunsOnThePoolInAChildNamedAfterTheCaller()
    {
        var caller = new LoggingContext("GET-7", "hs", request: new RequestInfo("GET-7"));
        using (caller.Enter())
        {
            var seen = await ContextTasks.DeferToThreadPool(() =>
            {
                var current = LoggingContext.Current;
                current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(3));
                return (current.Name, current.ServerName, current.Parent, current.Request, Thread.CurrentThread.IsThreadPoolThread, Same: ReferenceEquals(current, caller));
            });

            Assert.That(seen, Is.EqualTo(("GET-7", "hs", caller, caller.Request, true, false)));
            Assert.That(LoggingContext.Current, Is.SameAs(caller));
        }

        Assert.That(caller.GetResourceUsage().DbTxnCount, Is.EqualTo(1));
    }

    [Test]
    public async Task DeferToThreadPool_CpuTimeReachesTheCaller()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsWindows(), "per-thread CPU clocks exist on Linux and Windows");
        LoggingContext.TrackCpuTime = true;
        var caller = new LoggingContext("GET-8", "hs");
        using (caller.Enter())
        {
            await ContextTasks.DeferToThreadPool(() => CpuBurn.For(TimeSpan.FromMilliseconds(30)));
        }

        Assert.That(caller.GetResourceUsage().CpuTime, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(30)));
    }

    [Test]
    public async Task DeferToThreadPool_FromTheSentinel_WarnsMetricsWillBeLost()
    {
        var seen = await ContextTasks.DeferToThreadPool(() => (LoggingContext.Current.Name, LoggingContext.Current.Parent));
        Assert.That(seen, Is.EqualTo(("sentinel", (LoggingContext?)null)));
        Assert.That(Log.Events, Has.Some.Matches<LogEvent>(e =>
            e.Level == LogEventLevel.Warning && e.RenderMessage() == "Calling DeferToThreadPool from sentinel context: metrics will be lost"));
        Assert.That(() => ContextTasks.DeferToThreadPool<int>(null!), Throws.ArgumentNullException);
    }

}
