using System;
using System.Collections.Generic;
using System.Threading;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// The design the wheel replaced, ported plainly: one dictionary of (count, start, rate) under one lock, state
/// stored on every updating call, and a prune that scans every key.
/// </summary>
public sealed class FullScanRatelimiter<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Dictionary<TKey, (int Count, double Start, double Rate)> _actions = new();
    private readonly Func<long> _nowMs;
    private readonly double _rateHz;
    private readonly double _burstCount;
    private readonly Timer? _pruneTimer;

    public FullScanRatelimiter(Func<long> nowMs, double rateHz, double burstCount, TimeSpan? pruneInterval)
    {
        _nowMs = nowMs;
        _rateHz = rateHz;
        _burstCount = burstCount;
        if (pruneInterval is { } interval)
        {
            _pruneTimer = new Timer(_ => Prune(), null, interval, interval);
        }
    }

    public int Count
    {
        get
        {
            lock (_actions)
            {
                return _actions.Count;
            }
        }
    }

    /// <summary>The longest time one prune held the lock (every caller waits that long).</summary>
    public TimeSpan LongestPrunePause { get; private set; }

    public (bool Allowed, double TimeAllowed) CanDoAction(TKey key, bool update = true, int nActions = 1)
    {
        var now = _nowMs() / 1000.0;
        var rate = _rateHz;
        lock (_actions)
        {
            var (count, start, _) = _actions.TryGetValue(key, out var stored) ? stored : (0, now, rate);
            var performed = count - ((now - start) * rate);
            if (performed < 0)
            {
                performed = 0;
                count = 0;
                start = now;
            }

            var allowed = !(performed > _burstCount - nActions);
            if (allowed)
            {
                count += nActions;
            }

            if (update)
            {
                _actions[key] = (count, start, rate);
            }

            var timeAllowed = start + ((count - _burstCount + 1) / rate);
            return (allowed, timeAllowed < now ? now : timeAllowed);
        }
    }

    public int Prune()
    {
        var now = _nowMs() / 1000.0;
        var started = DateTime.UtcNow;
        var removed = 0;
        lock (_actions)
        {
            foreach (var (key, (count, start, rate)) in _actions)
            {
                if (count - ((now - start) * rate) <= 0)
                {
                    _actions.Remove(key);
                    removed++;
                }
            }

            var held = DateTime.UtcNow - started;
            if (held > LongestPrunePause)
            {
                LongestPrunePause = held;
            }
        }

        return removed;
    }

    public void Dispose() => _pruneTimer?.Dispose();
}
