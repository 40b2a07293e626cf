using System;
using System.Runtime.CompilerServices;

namespace ContextFlow.RateLimiting;

public sealed partial class Ratelimiter<TKey>
{
    // The reference's wheel granularity; a key is pruned at most one bucket after its bucket empties.
    internal const long PruneBucketMs = 5000;

    // The internal TimeAllowed of an exempt key or a rate of 0; handed to users as -1.
    internal const double Never = double.NegativeInfinity;

    // How far ahead a key is put on the wheel. A key due later (a very slow rate) is looked at again then and
    // re-scheduled, so the wheel never spans more than this, whatever the rate.
    private const long MaxScheduleAheadMs = 10 * 60 * 1000;

    internal (bool Allowed, double TimeAllowed) CanDoActionAt(
        long nowMs, TKey key, double? rateHz, double? burstCount, bool update, int nActions)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = Hash(key, _comparer);
        return CanDoActionAt(nowMs, key, hash, rateHz, burstCount, update, nActions);
    }

    private (bool Allowed, double TimeAllowed) CanDoActionAt(
        long nowMs, TKey key, uint hash, double? rateHz, double? burstCount, bool update, int nActions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nActions);
        var rate = rateHz is { } r ? RatelimitArguments.CheckRate(r, nameof(rateHz)) : _rateHz;
        var burst = burstCount is { } b ? RatelimitArguments.CheckBurst(b, nameof(burstCount)) : _burstCount;
        if (_overrides is { } hook && hook(key) is { } overridden)
        {
            if (overridden.IsExempt)
            {
                return (true, Never);
            }

            rate = overridden.RateHz;
            burst = overridden.BurstCount;
        }

        var nowS = nowMs / 1000.0;
        if (rate == 0)
        {
            // A bucket that never drains would need memory forever: at rate 0 each call stands alone.
            return (!(0 > burst - nActions), Never);
        }

        var shard = ShardFor(hash);

        // A remembered key whose bucket stays non-empty and is already on the wheel: checked and updated under its
        // slot's lock alone.
        ref var slot = ref shard.TryLockWithoutGate(key, hash, out var held);
        if (!Unsafe.IsNullRef(ref slot))
        {
            var (allowed, count, start) = Meter(held, slot.StartS, rate, burst, nActions, nowS);
            if (!allowed || !update)
            {
                Shard.UnlockSlot(ref slot, held);
                return (allowed, TimeAllowed(count, start, rate, burst, nowS));
            }

            if (slot.ScheduledBucket != 0 && IsKept(count, EmptiesAt(count, start, rate), nowS))
            {
                slot.StartS = start;
                slot.RateHz = rate;
                Shard.UnlockSlot(ref slot, Saturate(count));
                return (true, TimeAllowed(count, start, rate, burst, nowS));
            }

            // The bucket is to be dropped or put on the wheel: start again under the shard's gate.
            Shard.UnlockSlot(ref slot, held);
        }

        return CanDoActionUnderGate(shard, nowMs, nowS, key, hash, rate, burst, update, nActions);
    }

    private (bool Allowed, double TimeAllowed) CanDoActionUnderGate(
        Shard shard, long nowMs, double nowS, TKey key, uint hash, double rate, double burst, bool update, int nActions)
    {
        lock (shard.Gate)
        {
            ref var slot = ref shard.Find(key, hash);
            var exists = !Unsafe.IsNullRef(ref slot);
            var held = exists ? Shard.LockSlot(ref slot) : 0;
            var (allowed, count, start) = Meter(held, exists ? slot.StartS : nowS, rate, burst, nActions, nowS);
            if (allowed && update)
            {
                StoreLocked(shard, ref slot, key, hash, count, start, rate, nowMs, nowS);
            }
            else if (exists)
            {
                Shard.UnlockSlot(ref slot, held);
            }

            return (allowed, TimeAllowed(count, start, rate, burst, nowS));
        }
    }

    // The reference's leaky bucket: what is left of `held` actions counted from `start` at `rate`, and whether
    // nActions more fit in `burst`. Returns the count and start the bucket would have with them (unchanged if denied).
    private static (bool Allowed, long Count, double Start) Meter(
        long held, double start, double rate, double burst, int nActions, double nowS)
    {
        var count = held;
        var performed = count - ((nowS - start) * rate);
        if (performed < 0)
        {
            performed = 0;
            count = 0;
            start = nowS;
        }

        // Written as "performed > burst - n" rather than "performed + n > burst" to match the reference's rounding
        // exactly.
        var allowed = !(performed > burst - nActions);
        return (allowed, allowed ? count + nActions : count, start);
    }

    // When a bucket holding `count` actions since `start` will have drained.
    private static double EmptiesAt(long count, double start, double rate) =>
        rate > 0 ? start + (count / rate) : double.NegativeInfinity;

    // Whether a bucket is worth storing: one that is already empty is dropped, and so is a count of 0 or less whatever
    // the times say (a clock stepping back could otherwise keep one, and a stored bucket must hold an action). The
    // check without the gate and StoreLocked use this one rule, so the first never keeps what the second would drop.
    private static bool IsKept(long count, double emptiesAt, double nowS) => count > 0 && emptiesAt > nowS;

    private static double TimeAllowed(long count, double start, double rate, double burst, double nowS)
    {
        var timeAllowed = start + ((count - burst + 1) / rate);
        return timeAllowed < nowS ? nowS : timeAllowed;
    }

    internal void RecordActionAt(long nowMs, TKey key, int nActions)
    {
        ArgumentNullException.ThrowIfNull(key);
        var nowS = nowMs / 1000.0;
        var hash = Hash(key, _comparer);
        var shard = ShardFor(hash);
        lock (shard.Gate)
        {
            ref var slot = ref shard.Find(key, hash);
            if (Unsafe.IsNullRef(ref slot))
            {
                StoreLocked(shard, ref slot, key, hash, nActions, nowS, _rateHz, nowMs, nowS);
            }
            else
            {
                var held = Shard.LockSlot(ref slot);
                StoreLocked(shard, ref slot, key, hash, (long)held + nActions, slot.StartS, slot.RateHz, nowMs, nowS);
            }
        }
    }

    // The reference's _record_action_inner: drop a bucket that is already empty, else store it and make sure
    // the wheel will look at it once it may be. Under the shard's gate, with the slot (if any) locked by the caller;
    // leaves it unlocked or freed.
    private void StoreLocked(
        Shard shard, ref Slot slot, TKey key, uint hash, long count, double start, double rate, long nowMs, double nowS)
    {
        var exists = !Unsafe.IsNullRef(ref slot);
        var pruneAt = EmptiesAt(count, start, rate);
        if (!IsKept(count, pruneAt, nowS))
        {
            if (exists)
            {
                shard.Remove(ref slot);
            }

            return;
        }

        if (!exists)
        {
            slot = ref shard.Add(key, hash);
        }

        slot.StartS = start;
        slot.RateHz = rate;
        try
        {
            if (slot.ScheduledBucket == 0)
            {
                ScheduleLocked(shard, ref slot, nowMs, pruneAt);
            }
        }
        finally
        {
            // Even if the wheel could not grow, the bucket is stored and its slot usable; it is scheduled again the
            // next time it is stored.
            Shard.UnlockSlot(ref slot, Saturate(count));
        }
    }

    // A count beyond int.MaxValue would take decades to drain at any rate this accepts; saturate.
    private static int Saturate(long count) => (int)Math.Min(count, int.MaxValue);

    private void ScheduleLocked(Shard shard, ref Slot slot, long nowMs, double pruneAtS)
    {
        // The reference waits 100 ms past the moment the bucket empties.
        var thenMs = (long)Math.Min((pruneAtS + 0.1) * 1000, nowMs + MaxScheduleAheadMs);
        // Clamped to the wheel's span, so that no valid call can throw here (a key scheduled early is looked at and
        // scheduled again).
        var bucket = shard.Wheel.Schedule(nowMs, slot.Key, thenMs, clampToSpan: true);
        slot.ScheduledBucket = (int)Math.Clamp(bucket - _epochBucket, 1, int.MaxValue);
    }

    private Shard ShardFor(uint hash) => _shards[hash >> _shardShift];
}
