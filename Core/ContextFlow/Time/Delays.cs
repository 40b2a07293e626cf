using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ContextFlow.Time;

/// <summary>
/// The one rule for delays across the Clock, timeouts and shutdown grace periods: any non-negative
/// <see cref="TimeSpan"/> is accepted, up to <see cref="TimeSpan.MaxValue"/>, and where waiting for ever makes sense
/// <see cref="Timeout.InfiniteTimeSpan"/> means exactly that.
/// </summary>
/// <remarks>
/// Timers of <see cref="TimeProvider"/> (the system's and FakeTimeProvider alike) refuse due times beyond
/// 4,294,967,294 ms (about 49.7 days). A longer delay is therefore waited for in steps of at most <see cref="MaxStep"/>:
/// each step's timer, when it fires, measures the time still left on the provider's monotonic timestamp and arms the
/// next step, so a step that fires late or a wall-clock change does not shorten or lengthen the whole.
/// </remarks>
internal static class Delays
{
    /// <summary>The longest due time a TimeProvider timer accepts.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromMilliseconds(0xfffffffe);

    /// <summary>Whether <paramref name="delay"/> means "for ever" (only where the caller allows it).</summary>
    public static bool IsInfinite(TimeSpan delay) => delay == Timeout.InfiniteTimeSpan;

    /// <summary>Rejects a negative delay; <see cref="Timeout.InfiniteTimeSpan"/> only where <paramref name="infiniteAllowed"/>.</summary>
    public static void Check(TimeSpan delay, bool infiniteAllowed, [CallerArgumentExpression(nameof(delay))] string? name = null)
    {
        if (delay >= TimeSpan.Zero || (infiniteAllowed && IsInfinite(delay)))
        {
            return;
        }

        throw new ArgumentOutOfRangeException(
            name,
            delay,
            infiniteAllowed
                ? "A delay must be zero or more (up to TimeSpan.MaxValue), or Timeout.InfiniteTimeSpan to wait for ever."
                : "A delay must be zero or more (up to TimeSpan.MaxValue).");
    }

    /// <summary>The due time of the first (or next) timer for <paramref name="remaining"/>.</summary>
    public static TimeSpan Step(TimeSpan remaining) => remaining > MaxStep ? MaxStep : remaining;
}
