using System;
using System.Collections.Generic;
using Serilog;

namespace ContextFlow.RateLimiting;

/// <summary>
/// A coarse timer wheel: items go in with the time they are due and come out of <see cref="Fetch"/> once that
/// time has passed, at most one bucket late. Inserting and fetching cost O(1) per item, whatever the number of
/// items held, which is what lets a prune touch only what is due.
/// </summary>
/// <remarks>
/// <para>
/// Times are integer milliseconds on any timescale the caller keeps to (usually <c>Clock.TimeMsec</c>).
/// An item inserted with due time <c>then</c> is returned by the first fetch with
/// <c>now ≥ (⌊then / bucketSize⌋ + 1) · bucketSize</c>, that is strictly after <c>then</c> and up to one bucket
/// late. An item due in the past is returned by the next fetch that empties the oldest bucket, or, on an empty
/// wheel, by the first fetch after the bucket following <c>now</c>. Within one bucket an item inserted twice is
/// returned once; the same item in two buckets is returned twice.
/// </para>
/// <para>
/// Inserting while the oldest bucket is more than ten buckets overdue logs the warning
/// "Inserting into a wheel timer that hasn't been read from recently", as that usually means nothing fetches and
/// the wheel is leaking.
/// </para>
/// <para>Not thread-safe: callers that share a wheel between threads serialise access to it.</para>
/// </remarks>
/// <example>
/// <code>
/// var wheel = new WheelTimer&lt;string&gt;(bucketSizeMs: 5);
/// wheel.Insert(nowMs: 100, "a", thenMs: 150);
/// wheel.Fetch(154); // []
/// wheel.Fetch(155); // ["a"]
/// </code>
/// </example>
/// <typeparam name="T">The items scheduled; compared with the default equality comparer.</typeparam>
public sealed class WheelTimer<T>
{
    // A wheel spanning more buckets than this is a caller bug (a due time decades away), not a schedule.
    private const long MaxBuckets = 1 << 24;

    private readonly bool _collapseDuplicates;
    private Bucket?[] _ring = new Bucket?[8];
    private int _head;
    private int _length;
    private long _firstKey;
    private int _count;

    /// <summary>Creates an empty wheel.</summary>
    /// <param name="bucketSizeMs">The width of a bucket in milliseconds: how late an item may be returned.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bucketSizeMs"/> is not positive.</exception>
    public WheelTimer(long bucketSizeMs = 5000)
        : this(bucketSizeMs, collapseDuplicates: true)
    {
    }

    // Callers that already know each item is scheduled once per bucket skip the per-bucket set: a plain list
    // costs a third of the memory per item.
    internal WheelTimer(long bucketSizeMs, bool collapseDuplicates)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketSizeMs);
        BucketSizeMs = bucketSizeMs;
        _collapseDuplicates = collapseDuplicates;
    }

    // The width of a bucket in milliseconds: the caller chose it, so nothing outside needs it back.
    internal long BucketSizeMs { get; }

    /// <summary>The number of items held (an item held in two buckets counts twice).</summary>
    public int Count => _count;

    /// <summary>Schedules <paramref name="item"/> to be returned by the first fetch strictly after <paramref name="thenMs"/>.</summary>
    /// <param name="nowMs">The current time in milliseconds.</param>
    /// <param name="item">The item to return later.</param>
    /// <param name="thenMs">When the item is due, in milliseconds; may be in the past.</param>
    /// <exception cref="ArgumentOutOfRangeException">The wheel would have to span more than 2^24 buckets (a due time
    /// decades away, such as <see cref="long.MaxValue"/>: it is never wrapped round to an earlier one).</exception>
    public void Insert(long nowMs, T item, long thenMs) => Schedule(nowMs, item, thenMs);

    /// <summary>Removes and returns every item whose bucket has ended by <paramref name="nowMs"/>, oldest bucket first.</summary>
    /// <param name="nowMs">The current time in milliseconds.</param>
    /// <returns>The due items; empty when nothing is due.</returns>
    public List<T> Fetch(long nowMs)
    {
        var due = new List<T>();
        while (TryPopDue(nowMs, out _, out var items))
        {
            if (items is not null)
            {
                due.AddRange(items);
            }
        }

        return due;
    }

    // Returns the end key of the bucket the item went into, so that owners can recognise their live entry later.
    // With clampToSpan, a due time beyond the wheel's reach goes into its last bucket instead of throwing: returned
    // early, which suits an owner that looks at an item again when it comes out (the rate limiter).
    internal long Schedule(long nowMs, T item, long thenMs, bool clampToSpan = false)
    {
        // Saturating: with 1 ms buckets, long.MaxValue must not wrap round to a key in the past.
        var thenFloor = FloorDiv(thenMs);
        var thenKey = thenFloor == long.MaxValue ? long.MaxValue : thenFloor + 1;
        var nowKey = FloorDiv(nowMs);
        if (clampToSpan)
        {
            var firstKey = _length > 0 ? _firstKey : nowKey + 1;
            thenKey = Math.Min(thenKey, firstKey + MaxBuckets - 1);
        }

        if (_length > 0)
        {
            if (_firstKey < nowKey - 10)
            {
                Log.ForContext<WheelTimer<T>>().Warning(
                    "Inserting into a wheel timer that hasn't been read from recently. Item: {Item}", item);
            }

            var lastKey = _firstKey + _length - 1;
            if (thenKey <= lastKey)
            {
                var key = Math.Max(_firstKey, thenKey);
                Add((int)(key - _firstKey), item);
                return key;
            }

            ExtendTo(thenKey);
        }
        else
        {
            _firstKey = nowKey + 1;
            ExtendTo(Math.Max(_firstKey, thenKey));
        }

        Add(_length - 1, item);
        return _firstKey + _length - 1;
    }

    // Pops the oldest bucket if it has ended by nowMs; items is null for a bucket that stayed empty.
    internal bool TryPopDue(long nowMs, out long bucketKey, out List<T>? items)
    {
        if (_length == 0 || _firstKey > FloorDiv(nowMs))
        {
            bucketKey = 0;
            items = null;
            return false;
        }

        bucketKey = _firstKey;
        var bucket = _ring[_head];
        _ring[_head] = null;
        _head = (_head + 1) & (_ring.Length - 1);
        _length--;
        _firstKey++;
        items = bucket?.Items;
        _count -= items?.Count ?? 0;
        return true;
    }

    private void ExtendTo(long lastKey)
    {
        // Compared without subtracting, which could overflow for a due time near long.MaxValue.
        if (lastKey > _firstKey + MaxBuckets - 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(lastKey), $"A due time more than {MaxBuckets} buckets of {BucketSizeMs} ms ahead is beyond what a wheel timer holds.");
        }

        var needed = lastKey - _firstKey + 1;

        if (needed > _ring.Length)
        {
            var grown = new Bucket?[(int)Math.Max(_ring.Length * 2L, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)needed))];
            for (var i = 0; i < _length; i++)
            {
                grown[i] = _ring[(_head + i) & (_ring.Length - 1)];
            }

            _ring = grown;
            _head = 0;
        }

        _length = (int)needed;
    }

    private void Add(int offset, T item)
    {
        var index = (_head + offset) & (_ring.Length - 1);
        var bucket = _ring[index] ??= new Bucket(_collapseDuplicates);
        if (bucket.Members is { } members && !members.Add(item))
        {
            return;
        }

        bucket.Items.Add(item);
        _count++;
    }

    private long FloorDiv(long ms) => Math.DivRem(ms, BucketSizeMs, out var rem) - (rem < 0 ? 1 : 0);

    private sealed class Bucket(bool collapseDuplicates)
    {
        public List<T> Items { get; } = new();

        public HashSet<T>? Members { get; } = collapseDuplicates ? new HashSet<T>() : null;
    }
}
