using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;

namespace ContextFlow.Tests.Time;

/// <summary>
/// Delays beyond what one provider timer allows (about 49.7 days) are waited for in steps, up to
/// <see cref="TimeSpan.MaxValue"/>; <see cref="Timeout.InfiniteTimeSpan"/> means for ever where waiting makes sense.
/// </summary>
public sealed class ClockLongDelayTests : ContextCleanFixture
{
    private static readonly TimeSpan SixtyDays = TimeSpan.FromDays(60);
    private CountingTimeProvider _time = null!;
    private Clock _clock = null!;

    [SetUp]
    public void CreateClock()
    {
        _time = new CountingTimeProvider();
        _clock = new Clock(_time, "hs", new RunningSignal());
    }

    [TearDown]
    public void ShutdownClock() => _clock.Shutdown();

    [Test]
    public void CallLater_SixtyDays_RunsAfterSixtyDaysNotBefore()
    {
        var ran = 0;
        _clock.CallLater(SixtyDays, () => ran++);

        _time.Advance(TimeSpan.FromDays(50));
        _time.Advance(TimeSpan.FromDays(10) - TimeSpan.FromMilliseconds(1));
        Assert.That(ran, Is.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(ran, Is.EqualTo(1));
        Assert.That(_time.Registered, Is.Zero);
    }

    [Test]
    public async Task SleepAsync_SixtyDays_EndsAfterSixtyDays()
    {
        var sleep = _clock.SleepAsync(SixtyDays);

        _time.Advance(TimeSpan.FromDays(59));
        Assert.That(sleep.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromDays(1));
        await sleep.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public void LoopingCall_SixtyDayInterval_RunsOnItsGrid()
    {
        var runs = 0;
        _clock.LoopingCall(SixtyDays, () => runs++);

        _time.Advance(TimeSpan.FromDays(59));
        Assert.That(runs, Is.Zero);
        _time.Advance(TimeSpan.FromDays(1));
        _time.Advance(TimeSpan.FromDays(59));
        Assert.That(runs, Is.EqualTo(1));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(runs, Is.EqualTo(2));
    }

    [Test]
    public void TimeoutAsync_SixtyDays_TimesOutAfterSixtyDays()
    {
        var work = new TaskCompletionSource<int>();
        var timed = work.Task.TimeoutAsync(SixtyDays, _clock);

        _time.Advance(TimeSpan.FromDays(59));
        Assert.That(timed.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(async () => await timed.WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<TimeoutException>());
    }

    [Test]
    public void MaxValue_IsAcceptedEverywhere_AndNeverComesDue()
    {
        var ran = 0;
        _clock.CallLater(TimeSpan.MaxValue, () => ran++);
        _clock.LoopingCall(TimeSpan.MaxValue, () => ran++);
        var sleep = _clock.SleepAsync(TimeSpan.MaxValue);
        var timed = new TaskCompletionSource<int>().Task.TimeoutAsync(TimeSpan.MaxValue, _clock);

        _time.Advance(TimeSpan.FromDays(1000));
        Assert.That((ran, sleep.IsCompleted, timed.IsCompleted), Is.EqualTo((0, false, false)));
        _clock.Shutdown();
        Assert.That(_time.Registered, Is.Zero);
        Assert.That(() => sleep.Wait(TimeSpan.FromSeconds(10)), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<TaskCanceledException>(),
            "shutdown ends the sleep");
    }

    [Test]
    public async Task SleepAsync_Infinite_EndsOnlyWhenCancelledOrAtShutdown()
    {
        using var cancel = new CancellationTokenSource();
        var cancelled = _clock.SleepAsync(Timeout.InfiniteTimeSpan, cancel.Token);
        var untilShutdown = _clock.SleepAsync(Timeout.InfiniteTimeSpan);
        _time.Advance(TimeSpan.FromDays(1000));
        Assert.That((cancelled.IsCompleted, untilShutdown.IsCompleted, _time.Registered), Is.EqualTo((false, false, 0)));

        await cancel.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        _clock.Shutdown();
        Assert.That(async () => await untilShutdown, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task TimeoutAsync_Infinite_IsNoTimeout()
    {
        var work = new TaskCompletionSource<int>();
        var timed = work.Task.TimeoutAsync(Timeout.InfiniteTimeSpan, _clock);
        _time.Advance(TimeSpan.FromDays(1000));
        work.SetResult(7);

        Assert.That(await timed, Is.EqualTo(7));
        Assert.That(_time.Registered, Is.Zero);
    }

    [Test]
    public void NegativeDelays_AreRejectedWithTheRule_InfiniteOnlyWhereItMeansForEver()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => _clock.CallLater(Timeout.InfiniteTimeSpan, () => { }),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("TimeSpan.MaxValue"));
            Assert.That(() => _clock.CallLater(TimeSpan.FromTicks(-1), () => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => _clock.SleepAsync(TimeSpan.FromMilliseconds(-2)),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Timeout.InfiniteTimeSpan"));
            Assert.That(() => new TaskCompletionSource<int>().Task.TimeoutAsync(TimeSpan.FromMilliseconds(-2), _clock),
                Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => _clock.LoopingCall(Timeout.InfiniteTimeSpan, () => { }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void SystemTime_SixtyDayCallsAndSleeps_AreAccepted()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        var call = clock.CallLater(SixtyDays, () => { });
        var loop = clock.LoopingCall(SixtyDays, () => { });
        var sleep = clock.SleepAsync(SixtyDays);

        clock.Shutdown();
        Assert.That((call.IsActive, loop.IsRunning), Is.EqualTo((false, false)));
        Assert.That(() => sleep.Wait(TimeSpan.FromSeconds(10)), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<TaskCanceledException>());
    }
}
