using System;
using System.Collections.Generic;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>The reference's TestRatelimiter, one to one; times are seconds since the epoch of a fake clock.</summary>
public sealed class RatelimiterTests : ContextCleanFixture
{
    private FakeTimeProvider _time = null!;
    private Clock _clock = null!;

    [SetUp]
    public void StartTheClockAtZero()
    {
        _time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        _clock = new Clock(_time, "test.example");
    }

    [TearDown]
    public void StopTheClock() => _clock.Shutdown();

    [Test]
    public void test_allowed_via_can_do_action()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        Assert.That(limiter.CanDoAction("test_id"), Is.EqualTo((true, 10.0)));
        At(5);
        Assert.That(limiter.CanDoAction("test_id"), Is.EqualTo((false, 10.0)));
        At(10);
        Assert.That(limiter.CanDoAction("test_id"), Is.EqualTo((true, 20.0)));
    }

    [Test]
    public void test_allowed_appservice_ratelimited_via_can_requester_do_action()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1, overrides: AppServices(("@as_user:test", true)));

        Assert.That(limiter.CanDoAction("@as_user:test"), Is.EqualTo((true, 10.0)));
        At(5);
        Assert.That(limiter.CanDoAction("@as_user:test"), Is.EqualTo((false, 10.0)));
        At(10);
        Assert.That(limiter.CanDoAction("@as_user:test"), Is.EqualTo((true, 20.0)));
    }

    [Test]
    public void test_allowed_appservice_via_can_requester_do_action()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1, overrides: AppServices(("@as_user:test", false)));

        Assert.That(limiter.CanDoAction("@as_user:test"), Is.EqualTo((true, -1.0)));
        At(5);
        Assert.That(limiter.CanDoAction("@as_user:test"), Is.EqualTo((true, -1.0)));
        At(10);
        Assert.That(limiter.CanDoAction("@as_user:test"), Is.EqualTo((true, -1.0)));
    }

    [Test]
    public void test_allowed_via_ratelimit()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        limiter.Ratelimit("test_id");
        At(5);
        var denied = Assert.Throws<LimitExceededException>(() => limiter.Ratelimit("test_id"));
        Assert.That(denied!.RetryAfterMs, Is.EqualTo(5000));
        At(10);
        limiter.Ratelimit("test_id");
    }

    [Test]
    public void test_allowed_via_can_do_action_and_overriding_parameters()
    {
        // The reference keys this limiter by a tuple; value tuples are keys like any other.
        var limiter = new Ratelimiter<ValueTuple<string>>(_clock, "test", rateHz: 0.1, burstCount: 1);
        var key = new ValueTuple<string>("test_id");

        Assert.That(limiter.CanDoAction(key), Is.EqualTo((true, 10.0)));
        At(1);
        Assert.That(limiter.CanDoAction(key), Is.EqualTo((false, 10.0)));
        Assert.That(limiter.CanDoAction(key, rateHz: 10.0), Is.EqualTo((true, 1.1)));
        Assert.That(limiter.CanDoAction(key, burstCount: 10), Is.EqualTo((true, 1.0)));
    }

    [Test]
    public void test_allowed_via_ratelimit_and_overriding_parameters()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        Assert.That(limiter.CanDoAction("test_id"), Is.EqualTo((true, 10.0)));
        At(1);
        var denied = Assert.Throws<LimitExceededException>(() => limiter.Ratelimit("test_id"));
        Assert.That(denied!.RetryAfterMs, Is.EqualTo(9000));
        limiter.Ratelimit("test_id", rateHz: 10.0);
        limiter.Ratelimit("test_id", burstCount: 10);
    }

    [Test]
    public void test_pruning()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        limiter.CanDoAction("test_id_1");
        Assert.That(limiter.ContainsKey("test_id_1"), Is.True);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.That(limiter.ContainsKey("test_id_1"), Is.False);
    }

    [Test]
    public void test_pruning_record_action()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 1);

        limiter.RecordAction("test_id_1");
        Assert.That(limiter.ContainsKey("test_id_1"), Is.True);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.That(limiter.ContainsKey("test_id_1"), Is.False);
    }

    [Test]
    public void test_db_user_override()
    {
        // A per-user override row with no rate means "not limited at all".
        var limiter = Limiter(rateHz: 0.1, burstCount: 1, overrides: user => user == "@user:test" ? RatelimitOverride.Exempt : null);

        for (var i = 0; i < 20; i++)
        {
            limiter.Ratelimit("@user:test");
        }
    }

    [Test]
    public void test_multiple_actions()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 3);

        Assert.That(limiter.CanDoAction("test_id", nActions: 4).Allowed, Is.False);
        Assert.That(limiter.CanDoAction("test_id", nActions: 3), Is.EqualTo((true, 10.0)));
        Assert.That(limiter.CanDoAction("test_id", nActions: 1), Is.EqualTo((false, 10.0)));
        At(10);
        Assert.That(limiter.CanDoAction("test_id", update: false, nActions: 1), Is.EqualTo((true, 20.0)));
        Assert.That(limiter.CanDoAction("test_id", nActions: 2), Is.EqualTo((false, 10.0)));
        At(20);
        Assert.That(limiter.CanDoAction("test_id", nActions: 2), Is.EqualTo((true, 30.0)));
    }

    [Test]
    public void test_rate_limit_burst_only_given_once()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 3);

        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
        At(0.1);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
        At(0.2);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
        At(10.1);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
        At(11.1);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.False);
    }

    [Test]
    public void test_record_action_which_doesnt_fill_bucket()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 3);

        limiter.RecordAction("test_id", 2);

        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.False);
    }

    [Test]
    public void test_record_action_which_fills_bucket()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 3);

        limiter.RecordAction("test_id", 3);

        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.False);
        At(10);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.False);
    }

    [Test]
    public void test_record_action_which_overfills_bucket()
    {
        var limiter = Limiter(rateHz: 0.1, burstCount: 3);

        limiter.RecordAction("test_id", 4);

        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.False);
        At(10);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.False);
        At(20);
        Assert.That(limiter.CanDoAction("test_id").Allowed, Is.True);
    }

    [Test]
    public void test_get_ratelimit_override_for_user_callback()
    {
        const string user = "@user:test";
        var consulted = false;
        var withoutCallback = Limiter(rateHz: 0.1, burstCount: 3, name: "name");
        var withCallback = Limiter(rateHz: 0.1, burstCount: 3, name: "name", overrides: key =>
        {
            consulted = true;
            Assert.That(key, Is.EqualTo(user));
            return new RatelimitOverride(rateHz: 0.1, burstCount: 10);
        });

        withoutCallback.RecordAction(user, 4);
        withCallback.RecordAction(user, 4);

        Assert.Multiple(() =>
        {
            Assert.That(withoutCallback.CanDoAction(user).Allowed, Is.False);
            Assert.That(consulted, Is.False, "RecordAction does not consult the hook");
            Assert.That(withCallback.CanDoAction(user).Allowed, Is.True);
            Assert.That(consulted, Is.True);
        });
    }

    private void At(double seconds) => _time.SetUtcNow(DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(seconds));

    private Ratelimiter<string> Limiter(
        double rateHz, double burstCount, Func<string, RatelimitOverride?>? overrides = null, string name = "test") =>
        new(_clock, name, rateHz, burstCount, overrides);

    // An application service exempt from limits unless its registration says rate_limited: true.
    private static Func<string, RatelimitOverride?> AppServices(params (string User, bool RateLimited)[] services)
    {
        var registered = new Dictionary<string, bool>();
        foreach (var (user, rateLimited) in services)
        {
            registered[user] = rateLimited;
        }

        return user => registered.TryGetValue(user, out var rateLimited) && !rateLimited ? RatelimitOverride.Exempt : null;
    }
}
