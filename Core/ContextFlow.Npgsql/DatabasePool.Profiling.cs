using System;
using ContextFlow.Time;
using Serilog;
using Serilog.Events;

namespace ContextFlow.Npgsql;

public sealed partial class DatabasePool
{
    // How often StartProfiling reports, as the reference does.
    internal static readonly TimeSpan ProfilingInterval = TimeSpan.FromSeconds(10);

    internal const string ProfileLogSource = "ContextFlow.Npgsql.Time";

    private readonly TransactionProfile _profile = new();
    private readonly object _profilingGate = new();
    private ILoopingCall? _profiling;

    // Touched only by the report loop (its runs never overlap) and by StartProfiling before the loop exists.
    private TransactionProfile.Snapshot _lastReport;
    private long _lastReportTimestamp;

    /// <summary>
    /// Starts the "total database time" report: every 10 seconds, a looping call of the server's
    /// Clock (so in a <c>"looping_call"</c> context of the server) logs at debug, under the source context
    /// <c>ContextFlow.Npgsql.Time</c>, the share of wall time the pool's interactions spent in transactions over the
    /// interval and the three <c>desc</c>s that spent the most, with their counts:
    /// <c>Total database time: 3.412% {get_user(12): 1.201%, get_room(3): 0.950%, store_event(1): 0.415%}</c>.
    /// Calling it again does nothing; <see cref="ShutdownAsync"/> stops it.
    /// </summary>
    /// <remarks>
    /// Shares are of wall time, so concurrent transactions can add up to more than 100 %. An interaction counts in the
    /// interval in which it ends, with its whole duration.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The pool has been shut down.</exception>
    /// <exception cref="InvalidOperationException">The server's clock has been shut down.</exception>
    public void StartProfiling()
    {
        lock (_profilingGate)
        {
            ObjectDisposedException.ThrowIf(IsShutDown, this);
            if (_profiling is not null)
            {
                return;
            }

            _lastReport = _profile.Take();
            _lastReportTimestamp = _clock.GetTimestamp();
            _profiling = _clock.LoopingCall(ProfilingInterval, ReportDatabaseTime);
        }
    }

    private void StopProfiling()
    {
        ILoopingCall? profiling;
        lock (_profilingGate)
        {
            // Shutdown has begun, so StartProfiling can no longer set it.
            profiling = _profiling;
        }

        profiling?.Stop();
    }

    private void ReportDatabaseTime()
    {
        var now = _clock.GetTimestamp();
        var interval = _clock.GetElapsedTime(_lastReportTimestamp, now);
        var current = _profile.Take();
        var report = TransactionProfile.Describe(_lastReport, current, interval, top: 3);
        _lastReport = current;
        _lastReportTimestamp = now;

        var logger = Log.Logger;
        if (logger.IsEnabled(LogEventLevel.Debug))
        {
            logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, ProfileLogSource)
                .Debug("Total database time: {Percent:0.000}% {{{Top:l}}}", report.Percent, report.Top);
        }
    }
}
