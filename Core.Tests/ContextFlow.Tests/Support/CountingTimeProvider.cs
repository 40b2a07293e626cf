using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> seen through a wrapper that knows every timer created on it: how many are still
/// registered with the fake (armed, not disposed, and not a one-shot that has fired), and whether any timer was changed
/// after or while it was being disposed. FakeTimeProvider keeps its timers to itself; this is what lets a test count
/// them. Calls pass straight through, unsynchronised, so races reach the fake exactly as they would without it.
/// </summary>
internal sealed class CountingTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<CountingTimer> _timers = new();
    private int _misuses;

    public CountingTimeProvider(FakeTimeProvider? inner = null) => Inner = inner ?? new FakeTimeProvider();

    public FakeTimeProvider Inner { get; }

    /// <summary>Timers still registered with the fake provider.</summary>
    public int Registered => _timers.Count(t => t.IsRegistered);

    /// <summary>
    /// Spins this many times inside every <c>Change</c> before passing it on, widening the window in which a concurrent
    /// <c>Dispose</c> would overlap it, so that a race on it shows within a few hundred trials.
    /// </summary>
    public int ChangeSpins { get; init; }

    /// <summary>Calls of <c>Change</c> that began after, or overlapped, the same timer's <c>Dispose</c>.</summary>
    public int Misuses => Volatile.Read(ref _misuses);

    public override long TimestampFrequency => Inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Inner.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow();

    public override long GetTimestamp() => Inner.GetTimestamp();

    public void Advance(TimeSpan delta) => Inner.Advance(delta);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new CountingTimer(this, callback, state, dueTime, period);
        _timers.Enqueue(timer);
        return timer;
    }

    private sealed class CountingTimer : ITimer
    {
        private readonly CountingTimeProvider _owner;
        private readonly ITimer _inner;
        private volatile bool _armed;
        private volatile bool _oneShot;
        private volatile bool _fired;
        private int _disposed;
        private int _changing;

        [ContextBoundary("A test time provider: it wraps the timers of the provider it counts for")]
        public CountingTimer(CountingTimeProvider owner, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _owner = owner;
            Note(dueTime, period);
            _inner = owner.Inner.CreateTimer(
                s =>
                {
                    if (_oneShot)
                    {
                        _fired = true;
                    }

                    callback(s);
                },
                state,
                dueTime,
                period);
        }

        public bool IsRegistered => _armed && !_fired && Volatile.Read(ref _disposed) == 0;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _changing);
            if (Volatile.Read(ref _disposed) != 0)
            {
                Interlocked.Increment(ref _owner._misuses);
            }

            Note(dueTime, period);
            Thread.SpinWait(_owner.ChangeSpins);
            var changed = _inner.Change(dueTime, period);
            Interlocked.Decrement(ref _changing);
            if (Volatile.Read(ref _disposed) != 0)
            {
                Interlocked.Increment(ref _owner._misuses);
            }

            return changed;
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _disposed, 1);
            if (Volatile.Read(ref _changing) != 0)
            {
                Interlocked.Increment(ref _owner._misuses);
            }

            _inner.Dispose();
        }

        public System.Threading.Tasks.ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }

        private void Note(TimeSpan dueTime, TimeSpan period)
        {
            _fired = false;
            _oneShot = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero;
            _armed = dueTime != Timeout.InfiniteTimeSpan;
        }
    }
}
