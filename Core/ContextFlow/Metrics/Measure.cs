using System;
using System.Diagnostics;
using Serilog;

namespace ContextFlow.Metrics;

/// <summary>
/// Measures a block of work: runs it in its own child context named after the block, and when disposed records
/// the block's count, wall-clock duration, CPU time and database usage on the <c>"ContextFlow"</c> meter, tagged
/// <c>name</c> (the block) and <c>server_name</c>. The generated context decorators use it for every call.
/// </summary>
/// <remarks>
/// <para>
/// The block's context is a child of the caller's (same server), so everything the block uses is also charged to
/// the caller. Started from the sentinel there is no server to charge: it logs
/// <c>Starting metrics collection "name" from sentinel context: metrics will be lost</c>, runs the block in a
/// parentless context of that name and records nothing.
/// </para>
/// <para>
/// Instruments: <c>contextflow.block.count</c>, <c>contextflow.block.duration</c> (s, histogram),
/// <c>contextflow.block.cpu_time</c> (s), <c>contextflow.block.db_transactions</c>,
/// <c>contextflow.block.db_transaction_duration</c> (s), <c>contextflow.block.db_connection_wait</c> (s) and
/// <c>contextflow.block.in_flight</c>.
/// </para>
/// <para>
/// A measure belongs to the flow that started it: dispose it exactly once, on that flow (<c>using</c>, also across
/// awaits). Different measures may run on any number of threads at once.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using (Measure.Start("fetch_keys"))
/// {
///     await FetchKeysAsync();   // runs in context "fetch_keys", a child of the caller's
/// }
/// </code>
/// </example>
public readonly struct Measure : IDisposable
{
    private readonly LoggingContext? _context;
    private readonly LoggingContextScope _scope;
    private readonly long _startTimestamp;
    private readonly bool _recorded;

    private Measure(LoggingContext context, bool recorded)
    {
        _context = context;
        _recorded = recorded;
        if (recorded)
        {
            BlockInstruments.InFlight.Add(1, Tags(context));
        }

        _startTimestamp = Stopwatch.GetTimestamp();
        _scope = context.Enter();
    }

    /// <summary>The block's context, current until the measure is disposed; <see langword="null"/> for <c>default</c>.</summary>
    public LoggingContext? Context => _context;

    /// <summary>Starts measuring the block <paramref name="name"/> in a new child of the current context.</summary>
    /// <param name="name">The block's name: its context name and the <c>name</c> tag of its metrics.</param>
    /// <returns>The running measure; dispose it (<c>using</c>) when the block ends.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static Measure Start(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var caller = LoggingContext.Current;
        if (caller.IsSentinel)
        {
            Log.ForContext<LoggingContext>().Warning(
                "Starting metrics collection {BlockName} from sentinel context: metrics will be lost", name);
            return new Measure(new LoggingContext(name, caller.ServerName), recorded: false);
        }

        return new Measure(new LoggingContext(name, caller.ServerName, caller), recorded: true);
    }

    /// <summary>Ends the block: restores the caller's context and records the block's metrics.</summary>
    public void Dispose()
    {
        if (_context is null)
        {
            return;
        }

        // Leave first: leaving closes this thread's CPU segment, so the usage read below includes it.
        _scope.Dispose();
        var elapsed = Stopwatch.GetElapsedTime(_startTimestamp);
        if (!_recorded)
        {
            return;
        }

        var usage = _context.GetResourceUsage();
        var tags = Tags(_context);
        BlockInstruments.InFlight.Add(-1, tags);
        BlockInstruments.Count.Add(1, tags);
        BlockInstruments.Duration.Record(elapsed.TotalSeconds, tags);
        BlockInstruments.CpuTime.Add(usage.CpuTime.TotalSeconds, tags);
        BlockInstruments.DbTransactions.Add(usage.DbTxnCount, tags);
        BlockInstruments.DbTransactionDuration.Add(usage.DbTxnDuration.TotalSeconds, tags);
        BlockInstruments.DbConnectionWait.Add(usage.DbSchedDuration.TotalSeconds, tags);
    }

    private static TagList Tags(LoggingContext context) => new()
    {
        { ContextFlowMetrics.NameTag, context.Name },
        { ContextFlowMetrics.ServerNameTag, context.ServerName },
    };
}
