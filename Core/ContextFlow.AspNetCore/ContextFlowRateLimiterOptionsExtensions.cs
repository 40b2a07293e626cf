using System;
using System.Globalization;
using System.Threading.RateLimiting;
using ContextFlow.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.RateLimiting;

/// <summary>Plugs ContextFlow's per-server rate limiter into ASP.NET Core's rate limiting middleware.</summary>
public static class ContextFlowRateLimiterOptionsExtensions
{
    /// <summary>
    /// Makes ContextFlow's limiter the global limiter of <c>UseRateLimiter()</c>: per server, a leaky bucket per client
    /// (see <see cref="ContextFlowRateLimiterOptions"/>). Rejected requests get 429 with <c>Retry-After</c> (seconds,
    /// rounded up) and a problem details body. Requests not routed to a server (the admin API, unknown servers) are not
    /// limited. Call <c>app.UseRateLimiter()</c> after <c>app.UseContextFlow()</c>, so the check knows the server and a
    /// rejection is logged in the request's context.
    /// </summary>
    /// <remarks>
    /// The limiter has no queue: a request over the limit is rejected at once, never held. It replaces any
    /// <see cref="RateLimiterOptions.GlobalLimiter"/>, <see cref="RateLimiterOptions.RejectionStatusCode"/> and
    /// <see cref="RateLimiterOptions.OnRejected"/> set before; endpoint policies (<c>RequireRateLimiting</c>) still apply
    /// on top. To combine it with another global limiter, chain them afterwards with
    /// <see cref="PartitionedRateLimiter.CreateChained{TResource}"/>.
    /// </remarks>
    /// <param name="options">The rate limiting middleware's options.</param>
    /// <param name="configure">Sets the rate, burst and partition key.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddRateLimiter(options => options.UseContextFlowLimiter(limit => limit.RateHz = 5));
    /// </code>
    /// </example>
    public static RateLimiterOptions UseContextFlowLimiter(this RateLimiterOptions options, Action<ContextFlowRateLimiterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limit = new ContextFlowRateLimiterOptions();
        configure?.Invoke(limit);
        options.GlobalLimiter = new TenantRateLimiter(limit);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = static (rejected, _) =>
        {
            var http = rejected.HttpContext;
            string detail;
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
            {
                // Whole seconds, rounded up, and at least one: the request was refused, so "now" is no answer.
                var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                detail = $"Too many requests; retry after {seconds} s.";
            }
            else
            {
                detail = "Too many requests.";
            }

            return new(Problems.WriteAsync(http, Problems.Create(StatusCodes.Status429TooManyRequests, "Too Many Requests", detail)));
        };
        return options;
    }
}
