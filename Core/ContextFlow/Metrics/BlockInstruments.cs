using System.Diagnostics.Metrics;

namespace ContextFlow.Metrics;

// The block instruments are created once per process, the first time any block is measured, so a process that
// never measures a block publishes none of them.
internal static class BlockInstruments
{
    public const string CountName = "contextflow.block.count";
    public const string DurationName = "contextflow.block.duration";
    public const string CpuTimeName = "contextflow.block.cpu_time";
    public const string DbTransactionsName = "contextflow.block.db_transactions";
    public const string DbTransactionDurationName = "contextflow.block.db_transaction_duration";
    public const string DbConnectionWaitName = "contextflow.block.db_connection_wait";
    public const string InFlightName = "contextflow.block.in_flight";

    public static readonly Counter<long> Count = ContextFlowMetrics.Meter.CreateCounter<long>(
        CountName, "{block}", "Blocks that finished, per block name.");

    public static readonly Histogram<double> Duration = ContextFlowMetrics.Meter.CreateHistogram<double>(
        DurationName, "s", "Wall-clock time spent in a block.");

    public static readonly Counter<double> CpuTime = ContextFlowMetrics.Meter.CreateCounter<double>(
        CpuTimeName, "s", "CPU time charged to a block's context (only while LoggingContext.TrackCpuTime is on).");

    public static readonly Counter<long> DbTransactions = ContextFlowMetrics.Meter.CreateCounter<long>(
        DbTransactionsName, "{transaction}", "Database transactions run inside a block.");

    public static readonly Counter<double> DbTransactionDuration = ContextFlowMetrics.Meter.CreateCounter<double>(
        DbTransactionDurationName, "s", "Time spent in database transactions inside a block.");

    public static readonly Counter<double> DbConnectionWait = ContextFlowMetrics.Meter.CreateCounter<double>(
        DbConnectionWaitName, "s", "Time spent waiting for a database connection inside a block.");

    public static readonly UpDownCounter<long> InFlight = ContextFlowMetrics.Meter.CreateUpDownCounter<long>(
        InFlightName, "{block}", "Blocks currently running.");
}
