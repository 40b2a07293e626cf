using System;
using ContextFlow.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The limit <c>RateLimiterOptions.UseContextFlowAsGlobalLimiter(...)</c> applies to every request: a leaky bucket per client
/// within each server (one <see cref="Ratelimiter{TKey}"/> per server, on the server's clock), keyed by
/// <see cref="PartitionKey"/>.
/// </summary>
/// <remarks>Read when the limiter is created; not thread-safe while being configured.</remarks>
/// <example>
/// <code>
/// builder.Services.AddRateLimiter(options => options.UseContextFlowAsGlobalLimiter(limit =>
/// {
///     limit.RateHz = 5;          // requests per second per client, sustained
///     limit.BurstCount = 20;     // and in a burst
/// }));
/// app.UseContextFlow();
/// app.UseRateLimiter();
/// </code>
/// </example>
public sealed class ContextFlowRatelimiterOptions
{
    private string _name = "requests";
    private double _rateHz = 10;
    private double _burstCount = 20;
    private Func<HttpContext, string> _partitionKey = RequesterOrClientAddress;

    /// <summary>The limiter's name, in logs and <see cref="LimitExceededException.LimiterName"/>; <c>"requests"</c> by default.</summary>
    /// <exception cref="ArgumentException">The value is null or empty.</exception>
    public string Name
    {
        get => _name;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _name = value;
        }
    }

    /// <summary>Requests per second a client's bucket drains at; 10 by default. 0 keeps no state (see <see cref="Ratelimiter{TKey}"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double RateHz
    {
        get => _rateHz;
        set => _rateHz = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A rate must be a finite number, 0 or more.");
    }

    /// <summary>How many requests a client's bucket holds; 20 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double BurstCount
    {
        get => _burstCount;
        set => _burstCount = double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A burst count must be a finite number, 0 or more.");
    }

    /// <summary>
    /// Whom requests are counted for within a server: by default the authenticated user's name, else the client's IP
    /// address. Called on every request; must be thread-safe and never return <see langword="null"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public Func<HttpContext, string> PartitionKey
    {
        get => _partitionKey;
        set => _partitionKey = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Consulted per key on every check: another rate and burst, <see cref="RatelimitOverride.Exempt"/>, or <see langword="null"/>.</summary>
    public Func<string, RatelimitOverride?>? Overrides { get; set; }

    /// <summary>The default <see cref="PartitionKey"/>: the authenticated user's name, else the client's IP address.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The key.</returns>
    public static string RequesterOrClientAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity is { IsAuthenticated: true, Name: { } name })
        {
            return "user:" + name;
        }

        return context.Features.Get<IContextFlowFeature>()?.Context.Request?.IpAddress ?? context.Connection.RemoteIpAddress?.ToString() ?? "-";
    }
}
