using System;
using System.Runtime.CompilerServices;

namespace ContextFlow.RateLimiting;

// One wording for every rate and burst check, so a bad value reads the same wherever it came from.
internal static class RatelimitArguments
{
    // One action in about 31.7 years: below it, times overflow and mean nothing.
    public const double MinimumRateHz = 1e-9;

    public static double CheckRate(double rateHz, [CallerArgumentExpression(nameof(rateHz))] string? name = null)
    {
        if (!double.IsFinite(rateHz) || rateHz < 0)
        {
            throw new ArgumentOutOfRangeException(name, rateHz, "A rate must be a finite number of actions per second, 0 or more.");
        }

        if (rateHz > 0 && rateHz < MinimumRateHz)
        {
            throw new ArgumentOutOfRangeException(
                name, rateHz, $"A rate must be 0 or at least {MinimumRateHz} actions per second (one action in about 31.7 years).");
        }

        return rateHz;
    }

    public static double CheckBurst(double burstCount, [CallerArgumentExpression(nameof(burstCount))] string? name = null)
    {
        if (!double.IsFinite(burstCount) || burstCount < 0)
        {
            throw new ArgumentOutOfRangeException(name, burstCount, "A burst count must be a finite number, 0 or more.");
        }

        return burstCount;
    }
}
