using System;
using System.Collections.Generic;
using System.Threading;
using ContextFlow.Metrics;

namespace ContextFlow.Npgsql;

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
