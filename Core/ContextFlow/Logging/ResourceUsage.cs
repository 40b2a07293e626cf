using System;

namespace ContextFlow;

/// <summary>
/// A snapshot of the resources charged to a logging context and, through roll-up, to its descendants.
/// </summary>
/// <param name="CpuTime">CPU time spent on threads while the context was current (only when <see cref="LoggingContext.TrackCpuTime"/> is on).</param>
/// <param name="DbTxnCount">Database transactions run.</param>
/// <param name="DbTxnDuration">Time spent inside those transactions.</param>
/// <param name="DbSchedDuration">Time spent waiting for a database connection.</param>
/// <param name="RowsFetched">Rows fetched from the database.</param>
public readonly record struct ResourceUsage(
    TimeSpan CpuTime,
    long DbTxnCount,
    TimeSpan DbTxnDuration,
    TimeSpan DbSchedDuration,
    long RowsFetched)
{
    /// <summary>Adds two snapshots field by field.</summary>
    public static ResourceUsage operator +(ResourceUsage left, ResourceUsage right) => new(
        left.CpuTime + right.CpuTime,
        left.DbTxnCount + right.DbTxnCount,
        left.DbTxnDuration + right.DbTxnDuration,
        left.DbSchedDuration + right.DbSchedDuration,
        left.RowsFetched + right.RowsFetched);

    /// <summary>Subtracts two snapshots field by field, e.g. to measure a block between two reads.</summary>
    public static ResourceUsage operator -(ResourceUsage left, ResourceUsage right) => new(
        left.CpuTime - right.CpuTime,
        left.DbTxnCount - right.DbTxnCount,
        left.DbTxnDuration - right.DbTxnDuration,
        left.DbSchedDuration - right.DbSchedDuration,
        left.RowsFetched - right.RowsFetched);

    /// <summary>Same as <c>left + right</c>.</summary>
    public static ResourceUsage Add(ResourceUsage left, ResourceUsage right) => left + right;

    /// <summary>Same as <c>left - right</c>.</summary>
    public static ResourceUsage Subtract(ResourceUsage left, ResourceUsage right) => left - right;
}
