using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace ContextFlow.RateLimiting;

public sealed partial class Ratelimiter<TKey>
{
    // One key's bucket: 32 bytes for an 8-byte key, stored inline in the shard's table so that a lookup is one
    // cache miss at most. Count == 0 marks a free slot: a stored bucket always holds at least one action.
    internal struct Slot
    {
        public TKey Key;
        public double StartS;
        public double RateHz;
        public int Count;

        // Wheel bucket of this key's live wheel entry, relative to the limiter's epoch; 0 when not scheduled.
        public int ScheduledBucket;
    }

    // A lock-protected open-addressing table (linear probing, backward-shift deletion) plus the wheel that says
    // when its keys may be empty. Everything in a shard is touched only between Enter and Exit.
    internal sealed class Shard(IEqualityComparer<TKey>? comparer)
    {
        private const int MinCapacity = 8;

        private Slot[] _slots = new Slot[MinCapacity];
        private int _count;

        // The shard's lock: 0 free, 1 held. See Enter for why it is not a Monitor or a Lock.
        private int _held;

        public WheelTimer<TKey> Wheel { get; } = new(PruneBucketMs, collapseDuplicates: false);

        public int Count => _count;

        // A check holds the lock for a few dozen instructions. Monitor and Lock spend two interlocked operations and
        // owner bookkeeping per hold, and on a table of a million keys that bookkeeping is what keeps one check's
        // cache miss from overlapping the next one's (see docs/performance.md). Uncontended, this is one
        // compare-exchange to enter and a release store to leave; contended, it spins briefly and then yields.
        public void Enter()
        {
            if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            {
                EnterContended();
            }
        }

        public void Exit() => Volatile.Write(ref _held, 0);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void EnterContended()
        {
            var spinner = default(SpinWait);
            do
            {
                spinner.SpinOnce();
            }
            while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
        }

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

        public ref Slot Find(TKey key, uint hash)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            for (var i = (int)(hash & (uint)mask); ; i = (i + 1) & mask)
            {
                ref var slot = ref slots[i];
                if (slot.Count == 0)
                {
                    return ref Unsafe.NullRef<Slot>();
                }

                if (KeyEquals(slot.Key, key))
                {
                    return ref slot;
                }
            }
        }

        // The caller has checked the key is absent and fills Count (> 0) before leaving the lock.
        public ref Slot Add(TKey key, uint hash)
        {
            if ((_count + 1) * 4 > _slots.Length * 3)
            {
                Resize(_slots.Length * 2);
            }

            var mask = _slots.Length - 1;
            var i = (int)(hash & (uint)mask);
            while (_slots[i].Count != 0)
            {
                i = (i + 1) & mask;
            }

            _count++;
            ref var slot = ref _slots[i];
            slot.Key = key;
            slot.ScheduledBucket = 0;
            return ref slot;
        }

        public void Remove(ref Slot removed)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            var hole = (int)Unsafe.ByteOffset(ref slots[0], ref removed) / Unsafe.SizeOf<Slot>();
            _count--;

            // Backward-shift deletion: pull later members of the probe run into the hole so that no tombstones
            // are needed and lookups stay one short run.
            for (var i = (hole + 1) & mask; slots[i].Count != 0; i = (i + 1) & mask)
            {
                var home = (int)(Hash(slots[i].Key, comparer) & (uint)mask);
                if (((i - home) & mask) >= ((i - hole) & mask))
                {
                    slots[hole] = slots[i];
                    hole = i;
                }
            }

            slots[hole] = default;
        }

        // After a mass expiry the table gives memory back instead of staying at its high-water mark.
        public void TrimIfSparse()
        {
            if (_slots.Length > MinCapacity && _count * 8 < _slots.Length)
            {
                Resize(Math.Max(MinCapacity, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _count * 2))));
            }
        }

        private void Resize(int capacity)
        {
            var old = _slots;
            var slots = new Slot[capacity];
            var mask = capacity - 1;
            foreach (ref readonly var slot in old.AsSpan())
            {
                if (slot.Count == 0)
                {
                    continue;
                }

                var i = (int)(Hash(slot.Key, comparer) & (uint)mask);
                while (slots[i].Count != 0)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = slot;
            }

            _slots = slots;
        }

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
