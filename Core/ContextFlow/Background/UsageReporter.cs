using System;

namespace ContextFlow.Background;

/// <summary>
/// Turns a context's cumulative usage into the increments a monotonic counter may receive. A field that went
/// backwards (CPU clocks can) contributes nothing and is remembered at its high-water mark, so the later recovery
/// is not counted twice.
/// </summary>
/// <remarks>Not thread-safe; the owning <see cref="BackgroundProcesses"/> serialises calls.</remarks>
internal sealed class UsageReporter
{
    private ResourceUsage _reported;

    /// <summary>The increase since the last call, with every negative field clamped to zero.</summary>
    public ResourceUsage Next(ResourceUsage current)
    {
        var delta = new ResourceUsage(
            NonNegative(current.CpuTime - _reported.CpuTime),
            Math.Max(0, current.DbTxnCount - _reported.DbTxnCount),
            NonNegative(current.DbTxnDuration - _reported.DbTxnDuration),
            NonNegative(current.DbSchedDuration - _reported.DbSchedDuration),
            Math.Max(0, current.RowsFetched - _reported.RowsFetched));
        _reported = new ResourceUsage(
            Max(current.CpuTime, _reported.CpuTime),
            Math.Max(current.DbTxnCount, _reported.DbTxnCount),
            Max(current.DbTxnDuration, _reported.DbTxnDuration),
            Max(current.DbSchedDuration, _reported.DbSchedDuration),
            Math.Max(current.RowsFetched, _reported.RowsFetched));
        return delta;
    }

    private static TimeSpan NonNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
