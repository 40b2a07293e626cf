using System;
using System.Linq;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.RateLimiting;

public sealed class WheelTimerTests : ContextCleanFixture
{
    [Test]
    public void test_single_insert_fetch()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "1", 150);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Fetch(101), Is.Empty);
            Assert.That(wheel.Fetch(110), Is.Empty);
            Assert.That(wheel.Fetch(120), Is.Empty);
            Assert.That(wheel.Fetch(130), Is.Empty);
            Assert.That(wheel.Fetch(149), Is.Empty);
            Assert.That(wheel.Fetch(156), Is.EqualTo(new[] { "1" }));
            Assert.That(wheel.Fetch(170), Is.Empty);
        });
    }

    [Test]
    public void test_multi_insert()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "1", 150);
        wheel.Insert(105, "2", 130);
        wheel.Insert(106, "3", 160);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Fetch(110), Is.Empty);
            Assert.That(wheel.Fetch(135), Is.EqualTo(new[] { "2" }));
            Assert.That(wheel.Fetch(149), Is.Empty);
            Assert.That(wheel.Fetch(158), Is.EqualTo(new[] { "1" }));
            Assert.That(wheel.Fetch(160), Is.Empty);
            Assert.That(wheel.Fetch(200), Is.EqualTo(new[] { "3" }));
            Assert.That(wheel.Fetch(210), Is.Empty);
        });
    }

    [Test]
    public void test_insert_past()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "1", 50);

        Assert.That(wheel.Fetch(120), Is.EqualTo(new[] { "1" }));
    }

    [Test]
    public void test_insert_past_multi()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "1", 150);
        wheel.Insert(100, "2", 140);
        wheel.Insert(100, "3", 50);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Fetch(110), Is.EqualTo(new[] { "3" }));
            Assert.That(wheel.Fetch(120), Is.Empty);
            Assert.That(wheel.Fetch(147), Is.EqualTo(new[] { "2" }));
            Assert.That(wheel.Fetch(200), Is.EqualTo(new[] { "1" }));
            Assert.That(wheel.Fetch(240), Is.Empty);
        });
    }

    [Test]
    public void test_multi_insert_then_past()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "1", 150);
        wheel.Insert(100, "2", 160);
        wheel.Insert(100, "3", 155);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Fetch(110), Is.Empty);
            Assert.That(wheel.Fetch(158), Is.EqualTo(new[] { "1" }));
        });
    }

    [Test]
    public void Fetch_ReturnsAnItemOnlyOnceItsBucketHasEnded()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "due-at-150", 150);

        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(150, 5).SelectMany(now => wheel.Fetch(now)), Is.Empty);
            Assert.That(wheel.Fetch(155), Is.EqualTo(new[] { "due-at-150" }));
        });
    }

    [Test]
    public void Insert_SameItemTwiceInOneBucket_IsReturnedOnce_ButTwiceAcrossBuckets()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "a", 150);
        wheel.Insert(100, "a", 151);
        wheel.Insert(100, "a", 170);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Count, Is.EqualTo(2));
            Assert.That(wheel.Fetch(200), Is.EqualTo(new[] { "a", "a" }));
            Assert.That(wheel.Count, Is.Zero);
        });
    }

    [Test]
    public void Fetch_ReturnsBucketsInOrder_AndCountFollows()
    {
        var wheel = new WheelTimer<int>(bucketSizeMs: 10);
        for (var i = 99; i >= 0; i--)
        {
            wheel.Insert(0, i, i * 10);
        }

        Assert.That(wheel.Count, Is.EqualTo(100));
        var first = wheel.Fetch(500);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(Enumerable.Range(0, 50)));
            Assert.That(wheel.Count, Is.EqualTo(50));
            Assert.That(wheel.Fetch(5000), Is.EqualTo(Enumerable.Range(50, 50)));
        });
    }

    [Test]
    public void Insert_WhenNotReadForTenBuckets_WarnsOfALeak()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);
        wheel.Insert(100, "early", 150);
        wheel.Insert(150, "fine", 200);
        Assert.That(Log.Messages, Is.Empty);

        wheel.Insert(5000, "late", 5100);

        Assert.That(
            Log.Messages,
            Is.EqualTo(new[] { "Inserting into a wheel timer that hasn't been read from recently. Item: \"late\"" }));
    }

    [Test]
    public void Constructor_RejectsANonPositiveBucketSize()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new WheelTimer<string>(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new WheelTimer<string>(-5));
            Assert.That(new WheelTimer<string>().BucketSizeMs, Is.EqualTo(5000), "the default bucket");
        });
    }

    [Test]
    public void Insert_DecadesAhead_IsRejected()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 5);

        Assert.Throws<ArgumentOutOfRangeException>(() => wheel.Insert(0, "x", long.MaxValue / 2));
        Assert.That(wheel.Count, Is.Zero);
    }

    [Test]
    public void Insert_DueAtLongMaxValue_NeverWrapsRoundToThePast()
    {
        var wheel = new WheelTimer<string>(bucketSizeMs: 1);

        Assert.That(() => wheel.Insert(0, "x", long.MaxValue), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(wheel.Fetch(2), Is.Empty);
        Assert.That(wheel.Count, Is.Zero);
    }
}
