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
/// <b>Times.</b> <c>TimeAllowed</c> is in seconds on the clock's timescale (<c>Clock.TimeMsec / 1000.0</c>, seconds
/// since the Unix epoch), as in the reference: the earliest time another single action would be allowed, never
/// earlier than now, or −1 when the key is exempt or the rate is 0. The limiter reads the clock's
/// <see cref="Clock.TimeMsec"/>, except on <see cref="TimeProvider.System"/>, where it reads the same wall clock at the
/// OS tick's resolution (<c>CLOCK_REALTIME_COARSE</c> on Linux, 1–4 ms; elsewhere the tick count, up to 16 ms): a
/// precise wall-clock read would cost a large share of a check.
/// </para>
/// <para>
/// <b>Rate 0.</b> A bucket that never drains would have to be remembered forever, so at rate 0 nothing is stored:
/// each call is judged against an empty bucket (allowed iff <c>nActions ≤ burstCount</c>), <c>TimeAllowed</c> is −1,
/// and <see cref="RecordAction"/> for a new key at a configured rate of 0 records nothing. With burst 0 as well,
/// every action is denied.
/// </para>
/// <para>
/// <b>Pruning.</b> Keys whose bucket has emptied are forgotten on a timer wheel: a prune touches only keys that
/// may have emptied since the last one, whatever the number of keys, and keys added by <see cref="RecordAction"/>
/// are pruned like the others. A key is forgotten at most a few seconds plus one prune interval after its
/// bucket empties. Pruning runs every 15 s as a <see cref="Clock.LoopingCall(TimeSpan, Action)"/> of the clock, so it
/// stops when the clock shuts down or when the limiter is disposed.
/// </para>
/// <para>
/// <b>Thread safety.</b> Every member may be called from any number of threads at once. Each call is atomic for
/// its key: concurrent calls on one key behave as if made one after another in some order, so the actions
/// allowed never exceed what the bucket permits. A check on a remembered key whose bucket stays non-empty locks
/// only that key's entry, so checks on different keys never wait for each other and share no memory that both
/// write. Adding, dropping and pruning keys lock one of many shards; a prune holds one shard at a time, for at most
/// 256 keys. The key comparer's <c>Equals</c> may be called on a key that another thread is moving, and must be
/// free of side effects.
/// <see cref="Dispose"/> may race with other calls; calls that start after it throw
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
    private readonly Func<long>? _nowMs;
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
    /// <param name="comparer">How keys compare; the default comparer when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rateHz"/> or <paramref name="burstCount"/> is negative, NaN or infinite.</exception>
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

    // Without a clock: no pruning loop; tests and benchmarks drive time and PruneAt themselves. A null time source
    // means the system wall clock (see CoarseSystemTime).
    internal Ratelimiter(
        Func<long>? nowMs,
        string name,
        double rateHz,
        double burstCount,
        Func<TKey, RatelimitOverride?>? overrides,
        IEqualityComparer<TKey>? comparer)
    {
        ArgumentNullException.ThrowIfNull(name);
        _nowMs = nowMs;
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
    /// <exception cref="ArgumentOutOfRangeException">A rate or burst is negative, NaN or infinite, or <paramref name="nActions"/> is negative.</exception>
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

        return CanDoActionAt(NowMs(), key, hash, rateHz, burstCount, update, nActions);
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
    /// <exception cref="ArgumentOutOfRangeException">A rate or burst is negative, NaN or infinite, or <paramref name="nActions"/> is negative.</exception>
    public void Ratelimit(
        TKey key, double? rateHz = null, double? burstCount = null, bool update = true, int nActions = 1, TimeSpan? pause = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var nowMs = NowMs();
        var (allowed, timeAllowed) = CanDoActionAt(nowMs, key, rateHz, burstCount, update, nActions);
        if (!allowed)
        {
            var retryAfterMs = timeAllowed < 0 ? -1 : (long)(1000 * (timeAllowed - (nowMs / 1000.0)));
            throw new LimitExceededException(Name, retryAfterMs, pause ?? TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Stops pruning. Calls made afterwards throw <see cref="ObjectDisposedException"/>. Calling it again does nothing.</summary>
    public void Dispose()
    {
        _disposed = true;
        _pruning?.Stop();
    }

    // The system clock is called directly rather than through the delegate, so the call inlines into the check.
    private long NowMs() => _nowMs is null ? CoarseSystemTime.NowMs() : _nowMs();

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
