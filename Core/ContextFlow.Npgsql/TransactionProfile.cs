using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using ContextFlow.Metrics;

namespace ContextFlow.Npgsql;

/// <summary>
/// The pool's running totals of transaction time, overall and per <c>desc</c>, from which the "total database time"
/// report computes each interval's shares (the reference's <c>PerformanceCounters</c>).
/// </summary>
/// <remarks>
/// <see cref="Add"/> is called by every interaction at once; <see cref="Take"/> and <see cref="Describe"/> by the
/// report loop alone. A snapshot may catch a desc's count without its time for a moment: the next interval has both.
/// </remarks>
internal sealed class TransactionProfile
{
    private readonly ConcurrentDictionary<string, DescStats> _byDesc = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, (long Count, long Ticks)> s_none = new(StringComparer.Ordinal);

    private long _totalTicks;

    public DescStats For(string desc, string serverName) =>
        _byDesc.GetOrAdd(desc, static (d, server) => new DescStats(d, server), serverName);

    public void Add(DescStats stats, TimeSpan duration)
    {
        Interlocked.Add(ref _totalTicks, duration.Ticks);
        stats.Add(duration);
    }

    public Snapshot Take()
    {
        var perDesc = new Dictionary<string, (long Count, long Ticks)>(_byDesc.Count, StringComparer.Ordinal);
        foreach (var (desc, stats) in _byDesc)
        {
            perDesc[desc] = (stats.Count, stats.Ticks);
        }

        return new Snapshot(Volatile.Read(ref _totalTicks), perDesc);
    }

    /// <summary>
    /// The share of <paramref name="interval"/> spent in transactions between two snapshots, in percent, and the
    /// <paramref name="top"/> descs by time then count as <c>desc(count): pct%</c>, joined with <c>", "</c>.
    /// </summary>
    public static Report Describe(Snapshot previous, Snapshot current, TimeSpan interval, int top)
    {
        if (interval <= TimeSpan.Zero)
        {
            return new Report(0, string.Empty);
        }

        double Percent(long ticks) => 100.0 * ticks / interval.Ticks;

        var busiest = (current.PerDesc ?? s_none)
            .Select(entry =>
            {
                var before = previous.PerDesc is { } p && p.TryGetValue(entry.Key, out var b) ? b : default;
                return (Desc: entry.Key, Count: entry.Value.Count - before.Count, Ticks: entry.Value.Ticks - before.Ticks);
            })
            .Where(d => d.Count > 0 || d.Ticks > 0)
            .OrderByDescending(d => d.Ticks)
            .ThenByDescending(d => d.Count)
            .ThenBy(d => d.Desc, StringComparer.Ordinal)
            .Take(top);

        var text = new StringBuilder();
        foreach (var (desc, count, ticks) in busiest)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(CultureInfo.InvariantCulture, $"{desc}({count}): {Percent(ticks):0.000}%");
        }

        return new Report(Percent(current.TotalTicks - previous.TotalTicks), text.ToString());
    }

    /// <summary>The totals at one moment.</summary>
    public readonly record struct Snapshot(long TotalTicks, IReadOnlyDictionary<string, (long Count, long Ticks)>? PerDesc);

    /// <summary>One interval's line: the overall share and the busiest descs.</summary>
    public readonly record struct Report(double Percent, string Top);
}

/// <summary>
/// What the pool keeps per <c>desc</c>: its running count and time for the report, and what its span and metrics
/// need, built once rather than on every interaction.
/// </summary>
/// <remarks>Thread-safe: <see cref="Add"/> is called by concurrent interactions.</remarks>
internal sealed class DescStats
{
    private long _count;
    private long _ticks;

    public DescStats(string desc, string serverName)
    {
        Desc = desc;
        SpanName = "db." + desc;
        DescTag = new KeyValuePair<string, object?>(DatabaseTelemetry.DescTagName, desc);
        ServerTag = new KeyValuePair<string, object?>(ContextFlowMetrics.ServerNameTag, serverName);
    }

    public string Desc { get; }

    /// <summary>The interaction's span name, <c>db.{desc}</c>.</summary>
    public string SpanName { get; }

    public KeyValuePair<string, object?> DescTag { get; }

    public KeyValuePair<string, object?> ServerTag { get; }

    public long Count => Volatile.Read(ref _count);

    public long Ticks => Volatile.Read(ref _ticks);

    public void Add(TimeSpan duration)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _ticks, duration.Ticks);
    }
}
