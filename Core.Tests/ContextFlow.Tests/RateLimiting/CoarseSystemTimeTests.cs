using System;
using System.Threading;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>The limiter's cheap readings of the system clocks agree with the precise ones.</summary>
public sealed class CoarseSystemTimeTests : ContextCleanFixture
{
    // The coarse clocks step once per OS tick (at most 16 ms); allow a few ticks either way for a descheduled thread.
    private const long ToleranceMs = 50;

    [Test]
    public void MonotonicPlusOffset_IsTheUnixWallClock_ToWithinAFewTicks()
    {
        for (var i = 0; i < 5; i++)
        {
            var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var monotonic = CoarseSystemTime.MonotonicMs();
            var wall = monotonic + CoarseSystemTime.WallOffsetMs(monotonic);
            var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

            Assert.That(wall, Is.InRange(before - ToleranceMs, after + ToleranceMs));
            Thread.Sleep(20);
        }
    }

    [Test]
    public void Monotonic_NeverGoesBack_AndAdvancesWithElapsedTime()
    {
        var start = CoarseSystemTime.MonotonicMs();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var previous = start;
        while (stopwatch.ElapsedMilliseconds < 100)
        {
            var now = CoarseSystemTime.MonotonicMs();
            Assert.That(now, Is.GreaterThanOrEqualTo(previous));
            previous = now;
        }

        Assert.That(previous - start, Is.InRange(100 - ToleranceMs, 100 + (2 * ToleranceMs)));
    }
}
