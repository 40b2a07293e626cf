using System;
using System.Threading;
using Serilog;

namespace ContextFlow;

public sealed partial class LoggingContext
{
    // Ticks, so every counter is one Interlocked.Add; roll-up to ancestors is immediate, as in the reference.
    private long _cpuTicks;
    private long _dbTxnCount;
    private long _dbTxnTicks;
    private long _dbSchedTicks;
    private long _rowsFetched;

    // Serilog properties for this context, built on first use by the enricher (races build equal arrays).
    internal object? EnricherCache;

    /// <summary>
    /// A copy of the usage charged to this context and its descendants so far, including CPU time of the
    /// calling thread's segment that is still running in this context.
    /// </summary>
    public ResourceUsage GetResourceUsage() => new(
        TimeSpan.FromTicks(Volatile.Read(ref _cpuTicks) + (IsSentinel ? 0 : CpuTracker.InFlightTicks(this))),
        Volatile.Read(ref _dbTxnCount),
        TimeSpan.FromTicks(Volatile.Read(ref _dbTxnTicks)),
        TimeSpan.FromTicks(Volatile.Read(ref _dbSchedTicks)),
        Volatile.Read(ref _rowsFetched));

    /// <summary>Records one database transaction that took <paramref name="duration"/>, here and in every ancestor.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public void RecordDatabaseTransaction(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (WarnIfSentinel("a database transaction"))
        {
            return;
        }

        for (var c = this; c is not null; c = c.Parent)
        {
            Interlocked.Increment(ref c._dbTxnCount);
            Interlocked.Add(ref c._dbTxnTicks, duration.Ticks);
        }
    }

    /// <summary>Records time spent waiting for a database connection, here and in every ancestor.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wait"/> is negative.</exception>
    public void RecordDatabaseScheduled(TimeSpan wait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        if (WarnIfSentinel("a database connection wait"))
        {
            return;
        }

        for (var c = this; c is not null; c = c.Parent)
        {
            Interlocked.Add(ref c._dbSchedTicks, wait.Ticks);
        }
    }

    /// <summary>Records rows fetched from the database, here and in every ancestor.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative.</exception>
    public void RecordRowsFetched(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (WarnIfSentinel("fetched rows"))
        {
            return;
        }

        for (var c = this; c is not null; c = c.Parent)
        {
            Interlocked.Add(ref c._rowsFetched, rows);
        }
    }

    internal void AddCpuTicks(long ticks)
    {
        if (IsSentinel)
        {
            return;
        }

        for (var c = this; c is not null; c = c.Parent)
        {
            Interlocked.Add(ref c._cpuTicks, ticks);
        }
    }

    private bool WarnIfSentinel(string what)
    {
        if (!IsSentinel)
        {
            return false;
        }

        Log.ForContext<LoggingContext>().Warning("Recording {What} from sentinel context: metrics will be lost", what);
        return true;
    }
}
