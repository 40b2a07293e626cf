using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using ContextFlow.Time;

namespace ContextFlow.RateLimiting;

/// <summary>
/// A keyed rate limiter: a leaky bucket per key, used as a meter. Each key may perform <c>burstCount</c> actions
/// at once and the bucket drains at <c>rateHz</c> actions per second.
/// </summary>
/// <remarks>
/// <para>
/// Buckets fill, drain and are pruned on a monotonic clock, so a wall-clock step never denies, forgives or keeps
/// anything; only <c>TimeAllowed</c> (seconds since the Unix epoch, −1 when exempt or at rate 0) is wall-clock. Rates
/// below <c>1e-9</c> Hz are rejected, a rate of 0 stores nothing, and keys whose bucket has emptied are pruned every
/// 15 s on the clock, touching only the keys due. The rules and their reasons: <c>docs/rate-limiting.md</c>.
/// </para>
/// <para>
/// <b>Thread safety.</b> Every member may be called from any number of threads at once; each call is atomic for its
/// key, so the actions allowed never exceed what the bucket permits, and checks on different keys never wait for each
/// other. The key comparer's <c>Equals</c> may be called on a key another thread is moving and must be free of side
/// effects. <see cref="Dispose"/> may race with other calls; calls that start after it throw
/// <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // 0.2 actions per second, bursts of 10, per user:
/// var limiter = new Ratelimiter&lt;string&gt;(clock, "rc_message", rateHz: 0.2, burstCount: 10);
/// var (allowed, timeAllowed) = limiter.CanDoAction(userId);
/// limiter.Ratelimit(userId);           // or: throw LimitExceededException when denied
/// limiter.RecordAction(roomId, 1);     // observe without permitting (e.g. remote joins)
/// </code>
/// </example>
/// <typeparam name="TKey">What actions are counted per: a user id, a (user, room) tuple, an IP address.</typeparam>
public sealed partial class Ratelimiter<TKey> : IDisposable
    where TKey : notnull
{
    // Null on the system clock, read through CoarseSystemTime; otherwise monotonic time is this provider's timestamp,
    // on the Unix timescale of the limiter's creation.
    private readonly TimeProvider? _time;
    private readonly long _originTimestamp;
    private readonly long _originMs;
    private readonly ILoopingCall? _pruning;
    private volatile bool _disposed;
    private readonly double _rateHz;
    private readonly double _burstCount;
    private readonly Func<TKey, RatelimitOverride?>? _overrides;
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly Shard[] _shards;
    private readonly int _shardShift;
    private readonly long _epochBucket;

    /// <summary>Creates a limiter that reads time from <paramref name="clock"/> and prunes on it every 15 seconds.</summary>
    /// <param name="clock">The owning server's clock.</param>
    /// <param name="name">The limiter's name, for <see cref="LimitExceededException.LimiterName"/> and logs.</param>
    /// <param name="rateHz">Actions per second a bucket drains at; 0 keeps no state (see the remarks).</param>
    /// <param name="burstCount">How many actions a bucket holds.</param>
    /// <param name="overrides">
    /// Consulted on every <see cref="CanDoAction"/> and <see cref="Ratelimit"/>: <see langword="null"/> for no override,
    /// another rate and burst for the key, or <see cref="RatelimitOverride.Exempt"/>. Called outside any lock, possibly
    /// from many threads at once.
    /// </param>
    /// <param name="comparer">How keys compare; the default comparer when <see langword="null"/>. Its hash codes must be
    /// spread: keys sharing one hash code make operations on them linear in their number (inserting n of them, O(n²)).</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rateHz"/> or <paramref name="burstCount"/> is negative, NaN or infinite, or <paramref name="rateHz"/> is positive but below 1e-9.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="clock"/> has been shut down.</exception>
    public Ratelimiter(
        Clock clock,
        string name,
        double rateHz,
        double burstCount,
        Func<TKey, RatelimitOverride?>? overrides = null,
        IEqualityComparer<TKey>? comparer = null)
        : this(TimeSource(clock), name, rateHz, burstCount, overrides, comparer)
    {
        _pruning = clock.LoopingCall(PruneInterval, Prune);
    }

    // Without a clock: no pruning loop; tests and benchmarks drive time and prune themselves. A null time provider
    // means the system clocks (see CoarseSystemTime).
    internal Ratelimiter(
        TimeProvider? time,
        string name,
        double rateHz,
        double burstCount,
        Func<TKey, RatelimitOverride?>? overrides,
        IEqualityComparer<TKey>? comparer)
    {
        ArgumentNullException.ThrowIfNull(name);
        _time = time;
        if (time is not null)
        {
            _originTimestamp = ProviderTime.GetTimestamp(time);
            _originMs = ProviderTime.GetUtcNow(time).ToUnixTimeMilliseconds();
        }

        Name = name;
        _rateHz = RatelimitArguments.CheckRate(rateHz);
        _burstCount = RatelimitArguments.CheckBurst(burstCount);
        _overrides = overrides;
        _comparer = comparer is null || ReferenceEquals(comparer, EqualityComparer<TKey>.Default) ? null : comparer;

        // Enough shards that threads hammering different keys rarely meet on one lock.
        var shardCount = (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount * 16), 16, 1024);
        _shardShift = 32 - BitOperations.Log2((uint)shardCount);
        _shards = new Shard[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            _shards[i] = new Shard(_comparer);
        }

        _epochBucket = Math.DivRem(NowMs(), PruneBucketMs, out _) - 1;
    }

    /// <summary>The limiter's name, carried by <see cref="LimitExceededException.LimiterName"/>.</summary>
    public string Name { get; }

    /// <summary>The configured rate in actions per second.</summary>
    public double RateHz => _rateHz;

    /// <summary>The configured burst count.</summary>
    public double BurstCount => _burstCount;

    /// <summary>The number of keys currently remembered (takes each shard's lock in turn; for monitoring).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Gate)
                {
                    count += shard.Count;
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Checks whether <paramref name="key"/> may perform <paramref name="nActions"/> actions now and, if it may and
    /// <paramref name="update"/> is set, counts them. A denied call changes nothing.
    /// </summary>
    /// <param name="key">Whom the actions are counted for.</param>
    /// <param name="rateHz">The rate for this call instead of the configured one.</param>
    /// <param name="burstCount">The burst for this call instead of the configured one.</param>
    /// <param name="update">Whether an allowed call counts its actions (<see langword="false"/> only asks).</param>
    /// <param name="nActions">How many actions; more than the burst is always denied.</param>
    /// <returns>
    /// Whether the actions are allowed, and <c>TimeAllowed</c>: seconds on the clock's timescale when one more action
    /// would be allowed (never before now), or −1 when the key is exempt or the rate is 0.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A rate or burst is negative, NaN or infinite, a rate is positive but below 1e-9, or <paramref name="nActions"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The limiter has been disposed.</exception>
    /// <example>
    /// <code>
    /// var (allowed, timeAllowed) = limiter.CanDoAction(("join", roomId), nActions: 2);
    /// </code>
    /// </example>
    public (bool Allowed, double TimeAllowed) CanDoAction(
        TKey key, double? rateHz = null, double? burstCount = null, bool update = true, int nActions = 1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash(key, _comparer);
        var nowMs = NowMs();
        var (allowed, timeAllowed) = CanDoActionAt(nowMs, key, hash, rateHz, burstCount, update, nActions);
        return (allowed, ToWallClock(timeAllowed, nowMs));
    }

    /// <summary>
    /// Counts <paramref name="nActions"/> actions for <paramref name="key"/> whether or not they fit: for actions
    /// observed rather than permitted. A negative count is a refund. The override hook is not consulted.
    /// </summary>
    /// <param name="key">Whom the actions are counted for.</param>
    /// <param name="nActions">How many actions; negative to refund.</param>
    /// <remarks>The key's stored rate is used, or the configured rate for a key not remembered.</remarks>
    /// <exception cref="ObjectDisposedException">The limiter has been disposed.</exception>
    public void RecordAction(TKey key, int nActions = 1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RecordActionAt(NowMs(), key, nActions);
    }

    /// <summary>
    /// Like <see cref="CanDoAction"/>, but throws <see cref="LimitExceededException"/> when the actions are denied.
    /// </summary>
    /// <param name="key">Whom the actions are counted for.</param>
    /// <param name="rateHz">The rate for this call instead of the configured one.</param>
    /// <param name="burstCount">The burst for this call instead of the configured one.</param>
    /// <param name="update">Whether an allowed call counts its actions.</param>
    /// <param name="nActions">How many actions.</param>
    /// <param name="pause">Carried to <see cref="LimitExceededException.Pause"/>; <see langword="null"/> for the reference's 0.5 s.</param>
    /// <exception cref="LimitExceededException">The actions are denied; it says when to retry.</exception>
    /// <exception cref="ObjectDisposedException">The limiter has been disposed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate or burst is negative, NaN or infinite, a rate is positive but below 1e-9, or <paramref name="nActions"/> is negative.</exception>
    public void Ratelimit(
        TKey key, double? rateHz = null, double? burstCount = null, bool update = true, int nActions = 1, TimeSpan? pause = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var nowMs = NowMs();
        var (allowed, timeAllowed) = CanDoActionAt(nowMs, key, rateHz, burstCount, update, nActions);
        if (!allowed)
        {
            throw new LimitExceededException(Name, RetryAfterMs(timeAllowed, nowMs), pause ?? TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Stops pruning. Calls made afterwards throw <see cref="ObjectDisposedException"/>. Calling it again does nothing.</summary>
    public void Dispose()
    {
        _disposed = true;
        _pruning?.Stop();
    }

    /// <summary>Prunes at the limiter's own current time; for tests and benchmarks that drive pruning themselves.</summary>
    internal int PruneNow() => PruneAt(NowMs());

    // Monotonic milliseconds. The system clock is called directly rather than through the provider, so the call
    // inlines into the check.
    private long NowMs() =>
        _time is null ? CoarseSystemTime.MonotonicMs() : _originMs + (ProviderTime.GetElapsedTime(_time, _originTimestamp).Ticks / TimeSpan.TicksPerMillisecond);

    // A monotonic TimeAllowed (seconds) as the wall-clock seconds handed to users; Never as -1.
    private double ToWallClock(double timeAllowed, long nowMs)
    {
        if (timeAllowed == Never)
        {
            return -1.0;
        }

        var offsetMs = _time is null
            ? CoarseSystemTime.WallOffsetMs(nowMs)
            : ProviderTime.GetUtcNow(_time).ToUnixTimeMilliseconds() - nowMs;
        return offsetMs == 0 ? timeAllowed : timeAllowed + (offsetMs / 1000.0);
    }

    // Milliseconds from now until a monotonic TimeAllowed, saturating; -1 for Never.
    private static long RetryAfterMs(double timeAllowed, long nowMs)
    {
        if (timeAllowed == Never)
        {
            return -1;
        }

        var ms = 1000 * (timeAllowed - (nowMs / 1000.0));
        return ms >= long.MaxValue ? long.MaxValue : Math.Max(0, (long)ms);
    }

    internal bool ContainsKey(TKey key)
    {
        var hash = Hash(key, _comparer);
        var shard = ShardFor(hash);
        lock (shard.Gate)
        {
            return !Unsafe.IsNullRef(ref shard.Find(key, hash));
        }
    }
}
