using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ContextFlow.Metrics;
using ContextFlow.Tracing;

namespace ContextFlow.Npgsql;

/// <summary>
/// The pool's instruments and spans, on the meter and activity source named <c>"ContextFlow"</c>: listeners and
/// OpenTelemetry (<c>AddMeter("ContextFlow")</c>, <c>AddSource("ContextFlow")</c>) select by name, so these join Core's.
/// </summary>
/// <remarks>
/// The instances are this assembly's own, with the same name and version as Core's: a package must not reach into
/// another's internals, and a <see cref="Meter"/> or <see cref="ActivitySource"/> is identified by its name. Npgsql's
/// own <c>"Npgsql"</c> meter and activity source are left as they are; the pool's command spans nest under
/// <c>db.{desc}</c> because that span is current while the work runs.
/// </remarks>
internal static class DatabaseTelemetry
{
    public const string DescTagName = "desc";
    public const string TransactionsName = "contextflow.db.transactions";
    public const string TransactionDurationName = "contextflow.db.transaction_duration";
    public const string ConnectionWaitName = "contextflow.db.connection_wait";

    private static readonly string? s_version = typeof(ContextFlowMetrics).Assembly.GetName().Version?.ToString();

    public static Meter Meter { get; } = new(ContextFlowMetrics.MeterName, s_version);

    public static ActivitySource Source { get; } = new(ContextFlowTracing.SourceName, s_version);

    private static readonly Counter<long> s_transactions = Meter.CreateCounter<long>(
        TransactionsName, "{transaction}", "Database interactions that ended (all attempts of one count once), per desc.");

    private static readonly Histogram<double> s_transactionDuration = Meter.CreateHistogram<double>(
        TransactionDurationName, "s", "Time from a connection being open to an interaction's end, all attempts together, per desc.");

    private static readonly Histogram<double> s_connectionWait = Meter.CreateHistogram<double>(
        ConnectionWaitName, "s", "Time an interaction waited for a pooled connection to be open, per desc.");

    /// <summary>Starts <c>db.{desc}</c> as a child of the current span; <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartInteraction(DescStats stats, string serverName)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(stats.SpanName, ActivityKind.Internal);
        activity?.SetTag(ContextFlowMetrics.ServerNameTag, serverName);
        activity?.SetTag(DescTagName, stats.Desc);
        return activity;
    }

    public static void RecordTransaction(DescStats stats, TimeSpan duration)
    {
        s_transactions.Add(1, stats.ServerTag, stats.DescTag);
        s_transactionDuration.Record(duration.TotalSeconds, stats.ServerTag, stats.DescTag);
    }

    public static void RecordConnectionWait(DescStats stats, TimeSpan wait) =>
        s_connectionWait.Record(wait.TotalSeconds, stats.ServerTag, stats.DescTag);
}
