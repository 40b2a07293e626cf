using System;
using System.Runtime.CompilerServices;

namespace ContextFlow.RateLimiting;

// One wording for every rate and burst check, so a bad value reads the same wherever it came from.
internal static class RatelimitArguments
{
    public static double CheckRate(double rateHz, [CallerArgumentExpression(nameof(rateHz))] string? name = null)
    {
        if (!double.IsFinite(rateHz) || rateHz < 0)
        {
            throw new ArgumentOutOfRangeException(name, rateHz, "A rate must be a finite number of actions per second, 0 or more.");
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
