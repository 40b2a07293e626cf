using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using ContextFlow.RateLimiting;
using ContextFlow.Time;
using Microsoft.AspNetCore.Http;

namespace ContextFlow.AspNetCore;

/// <summary>
/// ContextFlow's <see cref="Ratelimiter{TKey}"/> as the <see cref="PartitionedRateLimiter{TResource}"/> ASP.NET Core's
/// <c>UseRateLimiter()</c> takes: each server has its own limiter (created on its first limited request, on the server's
/// clock, gone with the server), keyed by <see cref="ContextFlowRatelimiterOptions.PartitionKey"/>.
/// </summary>
/// <remarks>
/// <para>
/// Contract: a lease for <c>n</c> permits is acquired when the key's bucket takes <c>n</c> more actions, and then counts
/// them; more than the burst is never acquired (no exception); 0 permits asks without counting whether one more would be
/// acquired. Leases hold nothing: a leaky bucket drains with time, not on release, so disposing a lease gives nothing
/// back. A rejected lease carries <see cref="MetadataName.RetryAfter"/> (when the rate is not 0).
/// </para>
/// <para>
/// There is no queue: <c>AcquireAsync</c> answers at once, as <c>AttemptAcquire</c> does, so a request over the limit is
/// rejected rather than held. Requests that were not routed to a server (admin API, unknown server) are not limited.
/// After <see cref="RateLimiter.Dispose()"/> every call throws <see cref="ObjectDisposedException"/>; the servers' limiters
/// end with their servers. Thread-safe.
/// </para>
/// </remarks>
internal sealed class TenantRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private readonly ContextFlowRatelimiterOptions _options;
    private readonly Func<Clock, Ratelimiter<string>> _create;
    private volatile bool _disposed;

    public TenantRateLimiter(ContextFlowRatelimiterOptions options)
    {
        _options = options;
        _create = clock => new Ratelimiter<string>(clock, _options.Name, _options.RateHz, _options.BurstCount, _options.Overrides);
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return null;
    }

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(resource);
        var request = resource.Features.Get<IContextFlowFeature>() as TenantRequest;
        var limiter = request?.Tenant.Limiter(this, _create);
        if (limiter is null)
        {
            return Lease.Acquired;
        }

        var key = _options.PartitionKey(resource);
        var (allowed, timeAllowed) = limiter.CanDoAction(key, update: permitCount > 0, nActions: Math.Max(permitCount, 1));
        if (allowed)
        {
            return Lease.Acquired;
        }

        if (timeAllowed < 0)
        {
            return Lease.RejectedForever;
        }

        var wait = TimeSpan.FromSeconds(Math.Max(0, timeAllowed - (request!.Server.Clock.TimeMsec / 1000.0)));
        return new Lease(acquired: false, wait);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<RateLimitLease>(AttemptAcquireCore(resource, permitCount));
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    /// <summary>A lease that holds nothing; a rejected one may say when to retry.</summary>
    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(acquired: true, retryAfter: null);
        public static readonly Lease RejectedForever = new(acquired: false, retryAfter: null);

        private static readonly string[] s_retryAfterOnly = [MetadataName.RetryAfter.Name];

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : s_retryAfterOnly;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }

        // Static leases are shared; a leaky bucket has nothing to give back.
        protected override void Dispose(bool disposing)
        {
        }
    }
}
