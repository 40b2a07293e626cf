using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.RateLimiting;

public sealed partial class Ratelimiter<TKey>
{
    // How often the limiter forgets keys whose buckets have emptied (the reference's 15 s).
    internal static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(15);

    // Longest time one shard's lock was held by a prune since the limiter was created, in Stopwatch ticks.
    private long _longestPrunePauseTicks;

    /// <summary>The longest time a prune has held one shard's lock (the longest any caller could have waited on a prune).</summary>
    internal TimeSpan LongestPrunePause => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _longestPrunePauseTicks));

    // Keys looked at per hold of a shard's lock, so that a mass expiry never blocks callers for long.
    private const int PruneChunk = 256;

    // How far ahead a prune starts fetching keys' slots: lookups of due keys are independent, so their cache misses
    // can overlap instead of queueing.
    private const int PrefetchDistance = 8;

    // The reference's _prune_message_counts over every shard's wheel: only keys whose wheel bucket has ended are
    // looked at. A key used since it was scheduled is still non-empty and goes back on the wheel for when it may
    // be; a key whose live entry is later than this bucket (it was dropped and came back) is left alone.
    internal int PruneAt(long nowMs)
    {
        var nowS = nowMs / 1000.0;
        var removed = 0;
        var due = new List<(long Bucket, List<TKey> Keys)>();
        foreach (var shard in _shards)
        {
            due.Clear();
            Hold(shard, () =>
            {
                while (shard.Wheel.TryPopDue(nowMs, out var bucket, out var keys))
                {
                    if (keys is not null)
                    {
                        due.Add((bucket - _epochBucket, keys));
                    }
                }
            });

            // Popped buckets belong to this prune alone; each key is looked up again under the lock, so callers may
            // change the shard between chunks.
            foreach (var (relativeBucket, keys) in due)
            {
                for (var first = 0; first < keys.Count; first += PruneChunk)
                {
                    var last = Math.Min(first + PruneChunk, keys.Count);
                    Hold(shard, () =>
                    {
                        for (var i = first; i < last; i++)
                        {
                            if (i + PrefetchDistance < last)
                            {
                                shard.Prefetch(Hash(keys[i + PrefetchDistance], _comparer));
                            }

                            removed += PruneKeyLocked(shard, keys[i], relativeBucket, nowMs, nowS);
                        }
                    });
                }
            }

            Hold(shard, shard.TrimIfSparse);
        }

        return removed;
    }

    private void Hold(Shard shard, Action work)
    {
        var started = Stopwatch.GetTimestamp();
        lock (shard.Gate)
        {
            work();
        }

        var held = Stopwatch.GetTimestamp() - started;
        if (held > Volatile.Read(ref _longestPrunePauseTicks))
        {
            Volatile.Write(ref _longestPrunePauseTicks, held);
        }
    }

    private int PruneKeyLocked(Shard shard, TKey key, long relativeBucket, long nowMs, double nowS)
    {
        var hash = Hash(key, _comparer);
        ref var slot = ref shard.Find(key, hash);
        if (Unsafe.IsNullRef(ref slot) || slot.ScheduledBucket > relativeBucket)
        {
            return 0;
        }

        var held = Shard.LockSlot(ref slot);
        if (held - ((nowS - slot.StartS) * slot.RateHz) <= 0)
        {
            shard.Remove(ref slot);
            return 1;
        }

        try
        {
            ScheduleLocked(shard, ref slot, nowMs, slot.StartS + (held / slot.RateHz));
        }
        finally
        {
            Shard.UnlockSlot(ref slot, held);
        }

        return 0;
    }

    private static TimeProvider? TimeSource(Clock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return ReferenceEquals(clock.TimeProvider, TimeProvider.System) ? null : clock.TimeProvider;
    }

    // A looping call that throws stops for good; a failed prune is logged and the next one tries again.
    private void Prune()
    {
        try
        {
            PruneNow();
        }
        catch (Exception ex)
        {
            Log.ForContext<Ratelimiter<TKey>>().Error(ex, "Pruning rate limiter {LimiterName} failed", Name);
        }
    }
}
