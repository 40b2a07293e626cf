using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace ContextFlow.RateLimiting;

public sealed partial class Ratelimiter<TKey>
{
    // Set in a slot's Count while one thread owns the slot's contents.
    private const int SlotLocked = int.MinValue;

    // One key's bucket: 32 bytes for an 8-byte key, stored inline in the shard's table so that a lookup is one
    // cache miss at most. Count == 0 marks a free slot (a stored bucket always holds at least one action); its sign
    // bit is the slot's lock.
    internal struct Slot
    {
        public TKey Key;
        public double StartS;
        public double RateHz;
        public int Count;

        // Wheel bucket of this key's live wheel entry, relative to the limiter's epoch; 0 when not scheduled.
        public int ScheduledBucket;
    }

    // An open-addressing table (linear probing, backward-shift deletion) plus the wheel that says when its keys may be
    // empty.
    //
    // Two levels of locking. Gate serialises everything that adds, removes or moves keys, and the wheel. A slot's
    // contents (count, start, rate, wheel bucket) change only while its Count carries SlotLocked, so a check on a
    // remembered key can skip Gate entirely: it finds the key without any lock, locks just that slot with one
    // compare-exchange on the cache line it needed anyway, and confirms that no key moved meanwhile through
    // _version, which is odd while keys move and advances around every move. A shard-wide lock word instead would
    // be written by every check and bounce between cores on every other one (see docs/performance.md).
    internal sealed class Shard(IEqualityComparer<TKey>? comparer)
    {
        private const int MinCapacity = 8;

        private Slot[] _slots = new Slot[MinCapacity];
        private int _version;
        private int _count;

#if NET9_0_OR_GREATER
        public Lock Gate { get; } = new();
#else
        public object Gate { get; } = new();
#endif

        public WheelTimer<TKey> Wheel { get; } = new(PruneBucketMs, collapseDuplicates: false);

        public int Count => _count;

        // A hint taken without the lock: a stale array or a moved object only wastes the prefetch.
        public unsafe void Prefetch(uint hash)
        {
            if (Sse.IsSupported)
            {
                var slots = _slots;
                ref var slot = ref slots[(int)(hash & (uint)(slots.Length - 1))];
                Sse.Prefetch0(Unsafe.AsPointer(ref slot));
                Sse.Prefetch0((byte*)Unsafe.AsPointer(ref slot) + Unsafe.SizeOf<Slot>() - 1);
            }
        }

        // Without Gate: finds key and locks its slot, returning the count it held; or returns a null ref when the key
        // is absent, its slot is busy, or keys moved meanwhile, and the caller goes through Gate instead. Reading a
        // slot's Count before its Key means a key is seen only once fully written; a key read while it moves may be
        // torn, which only makes the comparison fail or the version check below reject the slot.
        public ref Slot TryLockWithoutGate(TKey key, uint hash, out int count)
        {
            var version = Volatile.Read(ref _version);
            if ((version & 1) == 0)
            {
                var slots = _slots;
                var mask = slots.Length - 1;
                for (var i = (int)(hash & (uint)mask); ; i = (i + 1) & mask)
                {
                    ref var slot = ref slots[i];
                    var observed = Volatile.Read(ref slot.Count);
                    if (observed == 0)
                    {
                        break;
                    }

                    if (KeyEquals(slot.Key, key))
                    {
                        // The compare-exchange is a full fence: a mover that advanced _version before it sees the
                        // lock, and this thread sees the version it advanced.
                        if (observed > 0 && Interlocked.CompareExchange(ref slot.Count, observed | SlotLocked, observed) == observed)
                        {
                            if (Volatile.Read(ref _version) == version)
                            {
                                count = observed;
                                return ref slot;
                            }

                            Volatile.Write(ref slot.Count, observed);
                        }

                        break;
                    }
                }
            }

            count = 0;
            return ref Unsafe.NullRef<Slot>();
        }

        // Under Gate: waits for the slot's current owner (a check that needs a few dozen instructions) and locks it.
        public static int LockSlot(ref Slot slot)
        {
            var spinner = default(SpinWait);
            while (true)
            {
                var observed = Volatile.Read(ref slot.Count);
                if (observed > 0 && Interlocked.CompareExchange(ref slot.Count, observed | SlotLocked, observed) == observed)
                {
                    return observed;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        // Publishes the slot's contents and unlocks it in one release store.
        public static void UnlockSlot(ref Slot slot, int count) => Volatile.Write(ref slot.Count, count);

        // Under Gate. Slots may be locked by checks in flight; Count is non-zero for every stored key either way.
        public ref Slot Find(TKey key, uint hash)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            for (var i = (int)(hash & (uint)mask); ; i = (i + 1) & mask)
            {
                ref var slot = ref slots[i];
                if (Volatile.Read(ref slot.Count) == 0)
                {
                    return ref Unsafe.NullRef<Slot>();
                }

                if (KeyEquals(slot.Key, key))
                {
                    return ref slot;
                }
            }
        }

        // Under Gate, the key absent. The slot comes back locked, its Key and ScheduledBucket written; the caller fills
        // the bucket and unlocks it with a count above 0, which is when checks without Gate can see the key.
        public ref Slot Add(TKey key, uint hash)
        {
            if ((_count + 1) * 4 > _slots.Length * 3)
            {
                Resize(_slots.Length * 2);
            }

            var slots = _slots;
            var mask = slots.Length - 1;
            var i = (int)(hash & (uint)mask);
            while (slots[i].Count != 0)
            {
                i = (i + 1) & mask;
            }

            _count++;
            ref var slot = ref slots[i];
            slot.Key = key;
            slot.ScheduledBucket = 0;
            slot.Count = SlotLocked;
            return ref slot;
        }

        // Under Gate, with the removed slot locked by the caller.
        public void Remove(ref Slot removed)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            var hole = (int)Unsafe.ByteOffset(ref slots[0], ref removed) / Unsafe.SizeOf<Slot>();
            _count--;
            BeginMove();

            // Backward-shift deletion: pull later members of the probe run into the hole so that no tombstones
            // are needed and lookups stay one short run. Each member moved is locked first, so no check is writing
            // it, and stays locked in its old place until that place is refilled or freed.
            for (var i = (hole + 1) & mask; Volatile.Read(ref slots[i].Count) != 0; i = (i + 1) & mask)
            {
                var home = (int)(Hash(slots[i].Key, comparer) & (uint)mask);
                if (((i - home) & mask) >= ((i - hole) & mask))
                {
                    var count = LockSlot(ref slots[i]);
                    slots[hole] = slots[i];
                    slots[hole].Count = count;
                    hole = i;
                }
            }

            slots[hole] = default;
            EndMove();
        }

        // After a mass expiry the table gives memory back instead of staying at its high-water mark.
        public void TrimIfSparse()
        {
            if (_slots.Length > MinCapacity && _count * 8 < _slots.Length)
            {
                Resize(Math.Max(MinCapacity, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _count * 2))));
            }
        }

        // Under Gate, with no slot held by the caller. Every stored slot of the old table is locked before it is copied
        // and never unlocked, so a check still holding the old table finds its slot busy and retries through Gate.
        private void Resize(int capacity)
        {
            var old = _slots;
            var slots = new Slot[capacity];
            var mask = capacity - 1;
            BeginMove();
            foreach (ref var slot in old.AsSpan())
            {
                if (Volatile.Read(ref slot.Count) == 0)
                {
                    continue;
                }

                var count = LockSlot(ref slot);
                var i = (int)(Hash(slot.Key, comparer) & (uint)mask);
                while (slots[i].Count != 0)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = slot;
                slots[i].Count = count;
            }

            _slots = slots;
            EndMove();
        }

        private void BeginMove() => Interlocked.Increment(ref _version);

        private void EndMove() => Interlocked.Increment(ref _version);

        private bool KeyEquals(TKey a, TKey b) =>
            typeof(TKey).IsValueType && comparer is null
                ? EqualityComparer<TKey>.Default.Equals(a, b)
                : (comparer ?? EqualityComparer<TKey>.Default).Equals(a, b);
    }

    // Fibonacci hashing spreads sequential integer keys (whose default hash is the identity) over the whole table;
    // the top bits pick the shard, the rest the slot, so the two choices are independent.
    internal static uint Hash(TKey key, IEqualityComparer<TKey>? comparer)
    {
        var h = typeof(TKey).IsValueType && comparer is null
            ? EqualityComparer<TKey>.Default.GetHashCode(key!)
            : (comparer ?? EqualityComparer<TKey>.Default).GetHashCode(key!);
        return (uint)(((ulong)(uint)h * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
