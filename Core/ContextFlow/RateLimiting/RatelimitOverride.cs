using System;

namespace ContextFlow.RateLimiting;

/// <summary>
/// What a <see cref="Ratelimiter{TKey}"/>'s override hook returns for a key: another rate and burst for that key,
/// or <see cref="Exempt"/> to let every action through. The hook returning <see langword="null"/> means "no
/// override: use the per-call or configured values".
/// </summary>
/// <remarks>
/// An override replaces the rate and burst given to the call as well as the configured ones, the way a module's
/// per-user override does in the reference. Instances are immutable and may be cached and shared freely.
/// </remarks>
/// <example>
/// <code>
/// var vip = new RatelimitOverride(rateHz: 10, burstCount: 100);
/// var limiter = new Ratelimiter&lt;string&gt;(clock, "messages", rateHz: 0.2, burstCount: 10,
///     overrides: user =&gt; user == "@admin:example.org" ? RatelimitOverride.Exempt
///                       : vips.Contains(user) ? vip
///                       : null);
/// </code>
/// </example>
public sealed class RatelimitOverride
{
    private RatelimitOverride(double rateHz, double burstCount, bool isExempt)
    {
        RateHz = rateHz;
        BurstCount = burstCount;
        IsExempt = isExempt;
    }

    /// <summary>Overrides the rate and burst for a key.</summary>
    /// <param name="rateHz">Actions per second the bucket drains at; 0 means no state is kept (see <see cref="Ratelimiter{TKey}"/>).</param>
    /// <param name="burstCount">How many actions the bucket holds.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative, NaN or infinite.</exception>
    public RatelimitOverride(double rateHz, double burstCount)
        : this(RatelimitArguments.CheckRate(rateHz), RatelimitArguments.CheckBurst(burstCount), isExempt: false)
    {
    }

    /// <summary>Exempts the key: every action is allowed, nothing is recorded, and the time allowed is −1.</summary>
    public static RatelimitOverride Exempt { get; } = new(0, 0, isExempt: true);

    /// <summary>The rate in actions per second (0 for <see cref="Exempt"/>).</summary>
    public double RateHz { get; }

    /// <summary>The burst count (0 for <see cref="Exempt"/>).</summary>
    public double BurstCount { get; }

    /// <summary>Whether this is <see cref="Exempt"/>.</summary>
    public bool IsExempt { get; }

    /// <inheritdoc/>
    public override string ToString() => IsExempt ? "exempt" : $"{RateHz} Hz, burst {BurstCount}";
}
