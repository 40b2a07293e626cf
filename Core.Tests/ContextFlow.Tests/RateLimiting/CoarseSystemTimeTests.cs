using System;
using System.Threading;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>The limiter's cheap reading of the system wall clock agrees with the precise one.</summary>
public sealed class CoarseSystemTimeTests : ContextCleanFixture
{
    // The coarse clock steps once per OS tick (at most 16 ms); allow a few ticks either way for a descheduled thread.
    private const long ToleranceMs = 50;

    [Test]
    public void NowMs_IsTheUnixWallClock_ToWithinAFewTicks()
    {
        for (var i = 0; i < 5; i++)
        {
            var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var coarse = CoarseSystemTime.NowMs();
            var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

            Assert.That(coarse, Is.InRange(before - ToleranceMs, after + ToleranceMs));
            Thread.Sleep(20);
        }
    }
}
