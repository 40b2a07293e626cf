using System;
using System.Collections.Generic;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>Behaviour the reference leaves undefined or untested: rate 0, bad input, refunds, state never touched by denials.</summary>
public sealed class RatelimiterEdgeTests : ContextCleanFixture
{
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void StartTheClockAtZero() => _time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);

    [Test]
    public void RateZero_JudgesEachCallAgainstAnEmptyBucket_AndStoresNothing()
    {
        var limiter = Limiter(rateHz: 0, burstCount: 2);

        Assert.Multiple(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.That(limiter.CanDoAction("k", nActions: 2), Is.EqualTo((true, -1.0)));
            }

            Assert.That(limiter.CanDoAction("k", nActions: 3), Is.EqualTo((false, -1.0)));
            limiter.RecordAction("k", 10);
            Assert.That(limiter.Count, Is.Zero);
        });
    }

    [Test]
    public void RateZero_WithBurstZero_DeniesEverything_WithoutARetryTime()
    {
        var limiter = Limiter(rateHz: 0, burstCount: 0);

        var denied = Assert.Throws<LimitExceededException>(() => limiter.Ratelimit("k"));

        Assert.Multiple(() =>
        {
            Assert.That(denied!.RetryAfterMs, Is.EqualTo(-1));
            Assert.That(denied.LimiterName, Is.EqualTo("test"));
            Assert.That(limiter.Count, Is.Zero);
        });
    }

    [Test]
    public void PerCallRateZero_OnAStoredKey_NeitherCrashesNorStores()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);
        limiter.CanDoAction("k");

        Assert.That(limiter.CanDoAction("other", rateHz: 0), Is.EqualTo((true, -1.0)));
        Assert.That(limiter.Count, Is.EqualTo(1));
    }

    [TestCase(double.NaN)]
    [TestCase(-0.1)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void BadRatesAndBursts_AreRejectedEverywhere(double bad)
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        Assert.Multiple(() =>
        {
            Assert.That(() => Limiter(rateHz: bad, burstCount: 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("rate"));
            Assert.That(() => Limiter(rateHz: 1, burstCount: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("burst"));
            Assert.That(() => limiter.CanDoAction("k", rateHz: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("rateHz"));
            Assert.That(() => limiter.CanDoAction("k", burstCount: bad), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("burstCount"));
            Assert.That(() => limiter.Ratelimit("k", rateHz: bad), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new RatelimitOverride(bad, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new RatelimitOverride(1, bad), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(limiter.Count, Is.Zero);
        });
    }

    [TestCase(1e-17)]
    [TestCase(double.Epsilon)]
    [TestCase(9.99e-10)]
    public void TinyPositiveRates_AreRejectedEverywhere_NamingTheLimit(double tiny)
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        Assert.Multiple(() =>
        {
            Assert.That(() => Limiter(rateHz: tiny, burstCount: 1),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 1E-09 actions per second"));
            Assert.That(() => limiter.CanDoAction("k", rateHz: tiny), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new RatelimitOverride(tiny, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void SlowestRate_WithAHugeCount_RetryTimesSaturateConsistently()
    {
        var limiter = Limiter(rateHz: 1e-9, burstCount: 1);
        limiter.RecordAction("k", int.MaxValue);

        var (allowed, timeAllowed) = limiter.CanDoAction("k");
        var denied = Assert.Throws<LimitExceededException>(() => limiter.Ratelimit("k"))!;

        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.False);
            Assert.That(double.IsFinite(timeAllowed) && timeAllowed > 1e18, $"TimeAllowed {timeAllowed}");
            Assert.That(denied.RetryAfterMs, Is.EqualTo(long.MaxValue));
        });
    }

    [Test]
    public void NegativeActionCounts_AreRejectedByCanDoAction()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.CanDoAction("k", nActions: -1));
    }

    [Test]
    public void DeniedAndNonUpdatingCalls_NeverChangeState()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 2);

        Assert.Multiple(() =>
        {
            Assert.That(limiter.CanDoAction("k", nActions: 3).Allowed, Is.False, "more than the burst is always denied");
            Assert.That(limiter.CanDoAction("k", update: false).Allowed, Is.True);
            Assert.That(limiter.Count, Is.Zero);
            Assert.That(limiter.CanDoAction("k", nActions: 2), Is.EqualTo((true, 10.0)));
            Assert.That(limiter.CanDoAction("k"), Is.EqualTo((false, 10.0)));
            Assert.That(limiter.CanDoAction("k"), Is.EqualTo((false, 10.0)));
        });
        _time.SetUtcNow(DateTimeOffset.UnixEpoch.AddSeconds(10));
        Assert.That(limiter.CanDoAction("k"), Is.EqualTo((true, 20.0)));
    }

    [Test]
    public void RecordAction_NegativeCount_RefundsAndForgetsAnEmptiedBucket()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 2);
        limiter.RecordAction("k", 2);
        Assert.That(limiter.CanDoAction("k").Allowed, Is.False);

        limiter.RecordAction("k", -1);
        Assert.That(limiter.CanDoAction("k").Allowed, Is.True);

        limiter.RecordAction("k", -2);
        Assert.That(limiter.Count, Is.Zero, "a bucket emptied by a refund is dropped at once");
    }

    [Test]
    public void CanDoAction_NothingCountedOnAnEmptyBucket_StoresNothing()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 2);

        Assert.That(limiter.CanDoAction("k", nActions: 0), Is.EqualTo((true, 0.0)));
        Assert.That(limiter.Count, Is.Zero);
    }

    [TestCase(1)]
    [TestCase(9000)]
    [TestCase(0)]
    public void LimitExceeded_CarriesTheRetryTimeAndTheLimiter(long retryAfterMs)
    {
        var exception = new LimitExceededException("test", retryAfterMs, TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(exception.RetryAfterMs, Is.EqualTo(retryAfterMs));
            Assert.That(exception.Message, Does.Contain("test"));
        });
    }

    [Test]
    public void Ratelimit_CarriesThePause()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 0);

        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<LimitExceededException>(() => limiter.Ratelimit("k"))!.Pause, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(Assert.Throws<LimitExceededException>(() => limiter.Ratelimit("k", pause: TimeSpan.Zero))!.Pause, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public void NullKeys_AreRejected()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => limiter.CanDoAction(null!));
            Assert.Throws<ArgumentNullException>(() => limiter.RecordAction(null!));
        });
    }

    private Ratelimiter<string> Limiter(double rateHz, double burstCount) =>
        new(_time, "test", rateHz, burstCount, overrides: null, comparer: null);
}
