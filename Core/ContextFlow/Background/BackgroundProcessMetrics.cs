using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ContextFlow.Metrics;

namespace ContextFlow.Background;

/// <summary>
/// The background-process instruments, all on <see cref="ContextFlowMetrics.Meter"/> and tagged <c>name</c> (the
/// description) and <c>server_name</c>. Usage counters are observable: each collection first charges the usage the
/// running processes accrued since the last one (negative increments clamped), as the reference's scrape-time update
/// does, so a long-running process shows up before it ends.
/// </summary>
internal static class BackgroundProcessMetrics
{
    public const string StartsName = "contextflow.background_process.starts";
    public const string InFlightName = "contextflow.background_process.in_flight";
    public const string CpuTimeName = "contextflow.background_process.cpu_time";
    public const string DbTransactionsName = "contextflow.background_process.db_transactions";
    public const string DbTransactionDurationName = "contextflow.background_process.db_transaction_duration";
    public const string DbConnectionWaitName = "contextflow.background_process.db_connection_wait";

    // Weak keys: a server that is never shut down still does not stay alive for its metrics' sake.
    private static readonly ConditionalWeakTable<BackgroundProcesses, object?> s_live = new();

    private static readonly Counter<long> s_starts = ContextFlowMetrics.Meter.CreateCounter<long>(
        StartsName, "{process}", "Background processes started.");

    private static readonly UpDownCounter<long> s_inFlight = ContextFlowMetrics.Meter.CreateUpDownCounter<long>(
        InFlightName, "{process}", "Background processes currently running.");

    static BackgroundProcessMetrics()
    {
        ContextFlowMetrics.Meter.CreateObservableCounter(
            CpuTimeName, () => Observe(u => u.CpuTime.TotalSeconds), "s", "CPU time used by background processes (when CPU tracking is on).");
        ContextFlowMetrics.Meter.CreateObservableCounter(
            DbTransactionsName, () => Observe(u => u.DbTxnCount), "{transaction}", "Database transactions run by background processes.");
        ContextFlowMetrics.Meter.CreateObservableCounter(
            DbTransactionDurationName, () => Observe(u => u.DbTxnDuration.TotalSeconds), "s", "Time background processes spent in database transactions.");
        ContextFlowMetrics.Meter.CreateObservableCounter(
            DbConnectionWaitName, () => Observe(u => u.DbSchedDuration.TotalSeconds), "s", "Time background processes waited for a database connection.");
    }

    public static void Register(BackgroundProcesses owner) => s_live.AddOrUpdate(owner, null);

    public static void Unregister(BackgroundProcesses owner) => s_live.Remove(owner);

    public static void Started(string description, string serverName)
    {
        var tags = Tags(description, serverName);
        s_starts.Add(1, tags);
        s_inFlight.Add(1, tags);
    }

    public static void Finished(string description, string serverName) => s_inFlight.Add(-1, Tags(description, serverName));

    private static IEnumerable<Measurement<T>> Observe<T>(Func<ResourceUsage, T> field)
        where T : struct
    {
        var measurements = new List<Measurement<T>>();
        foreach (var (owner, _) in s_live)
        {
            foreach (var (description, total) in owner.CollectUsageTotals())
            {
                measurements.Add(new Measurement<T>(field(total), Tags(description, owner.ServerName)));
            }
        }

        return measurements;
    }

    private static TagList Tags(string description, string serverName) => new()
    {
        { ContextFlowMetrics.NameTag, description },
        { ContextFlowMetrics.ServerNameTag, serverName },
    };
}
