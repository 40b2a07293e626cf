using System;
using System.Linq;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>Pruning on the clock: every 15 s, in the server's looping-call context, stopped by dispose and shutdown.</summary>
public sealed class RatelimiterPruningTests : ContextCleanFixture
{
    private FakeTimeProvider _time = null!;
    private Clock _clock = null!;

    [SetUp]
    public void StartTheClock()
    {
        _time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        _clock = new Clock(_time, "test.example");
    }

    [TearDown]
    public void StopTheClock() => _clock.Shutdown();

    [Test]
    public void Pruning_RunsEveryFifteenSeconds_AndForgetsOnlyEmptiedKeys()
    {
        using var limiter = new Ratelimiter<int>(_clock, "test", rateHz: 0.1, burstCount: 5);
        foreach (var key in Enumerable.Range(0, 1000))
        {
            limiter.CanDoAction(key);
        }

        limiter.CanDoAction(-1, nActions: 5);

        _time.Advance(TimeSpan.FromSeconds(14.9));
        Assert.That(limiter.Count, Is.EqualTo(1001), "no prune before the first 15 s");
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(limiter.Count, Is.EqualTo(1), "one action drained within 10 s, five within 50 s");

        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.That(limiter.Count, Is.Zero);
    }

    [Test]
    public void Pruning_IsOneTrackedLoopingCall_ThatNeverConsultsTheOverrideHook()
    {
        LoggingContext? seen = null;
        using var limiter = new Ratelimiter<string>(_clock, "test", rateHz: 0.1, burstCount: 1, overrides: key =>
        {
            seen = LoggingContext.Current;
            return null;
        });

        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.That(seen, Is.Null, "a prune never consults the override hook");
        Assert.That(_clock.TrackedLoopingCallCount, Is.EqualTo(1));
    }

    [Test]
    public void Dispose_StopsPruning_AndLaterCallsThrow()
    {
        var limiter = new Ratelimiter<string>(_clock, "test", rateHz: 0.1, burstCount: 1);
        limiter.CanDoAction("k");

        limiter.Dispose();
        limiter.Dispose();
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(_clock.TrackedLoopingCallCount, Is.Zero);
            Assert.That(limiter.Count, Is.EqualTo(1), "nothing pruned after dispose");
            Assert.Throws<ObjectDisposedException>(() => limiter.CanDoAction("k"));
            Assert.Throws<ObjectDisposedException>(() => limiter.RecordAction("k"));
            Assert.Throws<ObjectDisposedException>(() => limiter.Ratelimit("k"));
        });
    }

    [Test]
    public void Constructor_OnAShutDownClock_Throws()
    {
        _clock.Shutdown();

        Assert.Throws<InvalidOperationException>(() => _ = new Ratelimiter<string>(_clock, "test", 0.1, 1));
    }

    [Test]
    public void Constructor_RejectsMissingArguments()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => _ = new Ratelimiter<string>(null!, "test", 0.1, 1));
            Assert.Throws<ArgumentNullException>(() => _ = new Ratelimiter<string>(_clock, null!, 0.1, 1));
            Assert.That(_clock.TrackedLoopingCallCount, Is.Zero);
        });
    }

    [Test]
    public void OnTheSystemClock_TimeFollowsTheWallClock()
    {
        using var clock = new SystemClockForTest();
        using var limiter = new Ratelimiter<string>(clock.Clock, "test", rateHz: 0.1, burstCount: 1);

        var (allowed, timeAllowed) = limiter.CanDoAction("k");
        var wallS = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        Assert.That(allowed, Is.True);
        Assert.That(timeAllowed, Is.EqualTo(wallS + 10).Within(1.1), "the coarse clock is anchored to the wall clock every second");
    }

    private sealed class SystemClockForTest : IDisposable
    {
        public Clock Clock { get; } = new(TimeProvider.System, "system.example");

        public void Dispose() => Clock.Shutdown();
    }
}
