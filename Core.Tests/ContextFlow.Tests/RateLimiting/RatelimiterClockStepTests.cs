using System;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>
/// The wall clock stepping (NTP, a manual change, a resumed machine) while the monotonic clock runs on: no wrong
/// denial, no exception, keys forgotten on time; only the wall-clock TimeAllowed moves with the step.
/// </summary>
public sealed class RatelimiterClockStepTests : ContextCleanFixture
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private SteppingTimeProvider _time = null!;
    private Clock _clock = null!;

    [SetUp]
    public void CreateClock()
    {
        _time = new SteppingTimeProvider(new FakeTimeProvider(Start));
        _clock = new Clock(_time, "hs", new RunningSignal());
    }

    [TearDown]
    public void ShutdownClock() => _clock.Shutdown();

    [Test]
    public void WallClockStepsBackAnHour_NoWrongDenial_TimeAllowedFollowsTheWallClock()
    {
        using var limiter = new Ratelimiter<string>(_clock, "test", rateHz: 0.1, burstCount: 1);
        Assert.That(limiter.CanDoAction("user"), Is.EqualTo((true, Seconds(Start) + 10)));

        _time.Advance(TimeSpan.FromSeconds(10));
        _time.Step(TimeSpan.FromHours(-1));
        var (allowed, timeAllowed) = limiter.CanDoAction("user");

        Assert.That(allowed, "ten seconds have passed, whatever the wall clock says");
        Assert.That(timeAllowed, Is.EqualTo(Seconds(_time.GetUtcNow()) + 10).Within(0.001));
        Assert.That(() => limiter.Ratelimit("user"), Throws.InstanceOf<LimitExceededException>().With.Property("RetryAfterMs").EqualTo(10_000));
    }

    [Test]
    public void WallClockStepsForwardAnHour_NothingIsForgiven()
    {
        using var limiter = new Ratelimiter<string>(_clock, "test", rateHz: 0.1, burstCount: 1);
        limiter.CanDoAction("user");

        _time.Step(TimeSpan.FromHours(1));

        Assert.That(limiter.CanDoAction("user").Allowed, Is.False, "no time has passed");
    }

    [TestCase(-1.0 / 24 / 365)]
    [TestCase(1.0 / 24 / 365)]
    [TestCase(3.0)]
    public void WallClockSteps_EmptiedKeysAreForgottenOnTime_AndNothingThrows(double years)
    {
        using var limiter = new Ratelimiter<int>(_clock, "test", rateHz: 0.1, burstCount: 1);
        for (var key = 0; key < 1000; key++)
        {
            limiter.CanDoAction(key);
            limiter.RecordAction(key + 1000);
        }

        _time.Step(TimeSpan.FromDays(365 * years));
        for (var key = 2000; key < 2010; key++)
        {
            Assert.That(limiter.CanDoAction(key).Allowed);
            limiter.RecordAction(key);
        }

        // Every bucket empties 10 s after its action; pruned at most one 5 s wheel bucket and one 15 s prune later.
        for (var elapsed = 0; elapsed < 31; elapsed++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(limiter.Count, Is.Zero);
    }

    private static double Seconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>A fake clock whose wall-clock reading can step while its monotonic timestamp runs on undisturbed.</summary>
    private sealed class SteppingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private TimeSpan _step;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + _step;

        [ContextBoundary("A test time provider: it hands the timer of the provider it wraps to the clock under test")]
        public override System.Threading.ITimer CreateTimer(System.Threading.TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);

        public void Advance(TimeSpan delta) => inner.Advance(delta);

        public void Step(TimeSpan step) => _step += step;
    }
}
