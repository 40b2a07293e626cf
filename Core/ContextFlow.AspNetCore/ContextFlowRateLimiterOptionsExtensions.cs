using System;
using System.Globalization;
using System.Threading.RateLimiting;
using ContextFlow.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Microsoft.AspNetCore.RateLimiting;

/// <summary>Plugs ContextFlow's per-server rate limiter into ASP.NET Core's rate limiting middleware.</summary>
public static class ContextFlowRateLimiterOptionsExtensions
{
    /// <summary>
    /// Sets <see cref="RateLimiterOptions.GlobalLimiter"/> to ContextFlow's limiter: per server, a leaky bucket per client
    /// (see <see cref="ContextFlowRatelimiterOptions"/>). Requests not routed to a server (the admin API, unknown servers)
    /// are not limited. Call <c>app.UseRateLimiter()</c> after <c>app.UseContextFlow()</c>, so the check knows the server
    /// and a rejection is logged in the request's context.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The limiter has no queue: a request over the limit is rejected at once, never held. Endpoint policies
    /// (<c>RequireRateLimiting</c>) still apply on top. To combine it with another global limiter, chain them yourself
    /// with <see cref="PartitionedRateLimiter.CreateChained{TResource}"/>: a global limiter set before is not replaced.
    /// </para>
    /// <para>
    /// What the user set stays, as ASP.NET Core's own limiter extensions leave it: <see cref="RateLimiterOptions.RejectionStatusCode"/>
    /// becomes 429 only while it still has its default (503), and <see cref="RateLimiterOptions.OnRejected"/> is set only
    /// when none is. That handler answers with the rejection status as problem details, with <c>Retry-After</c> in whole
    /// seconds, rounded up, when the lease says when to retry.
    /// </para>
    /// </remarks>
    /// <param name="options">The rate limiting middleware's options.</param>
    /// <param name="configure">Sets the rate, burst and partition key.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A global limiter is set already.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddRateLimiter(options => options.UseContextFlowAsGlobalLimiter(limit => limit.RateHz = 5));
    /// </code>
    /// </example>
    public static RateLimiterOptions UseContextFlowAsGlobalLimiter(this RateLimiterOptions options, Action<ContextFlowRatelimiterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.GlobalLimiter is not null)
        {
            throw new InvalidOperationException(
                "A global limiter is set already. To apply both, chain them: options.GlobalLimiter = PartitionedRateLimiter.CreateChained(first, second).");
        }

        var limit = new ContextFlowRatelimiterOptions();
        configure?.Invoke(limit);
        options.GlobalLimiter = new TenantRateLimiter(limit);
        if (options.RejectionStatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        }

        options.OnRejected ??= static (rejected, _) =>
        {
            var http = rejected.HttpContext;
            var status = http.Response.StatusCode;
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

            return new(Problems.WriteAsync(http, Problems.Create(status, ReasonPhrases.GetReasonPhrase(status), detail)));
        };
        return options;
    }
}
