using System;
using System.Data;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using Serilog;
using Serilog.Events;

namespace ContextFlow.Npgsql;

public sealed partial class DatabasePool
{
    // Serilog source contexts, so the per-transaction lines and the report can be levelled separately.
    internal const string TransactionLogSource = "ContextFlow.Npgsql.Transactions";

    // Numbers interactions for their log name "{desc}-{n:x}", as the reference does.
    private long _transactionCounter;

    // One body for all overloads: exactly one of typed/untyped is set, so the untyped form needs no adapter delegate.
    private async Task<T> RunAsync<T>(
        string desc, IsolationLevel isolationLevel,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>>? typed,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? untyped,
        CancellationToken cancellationToken)
    {
        if (!TryEnter())
        {
            ObjectDisposedException.ThrowIf(true, this);
        }

        var context = LoggingContext.Current;
        if (context.IsSentinel)
        {
            Log.ForContext<DatabasePool>().Warning("Starting db txn '{Desc:l}' from sentinel context: metrics will be lost", desc);
        }

        var stats = _profile.For(desc, ServerName);
        var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token) : null;
        var token = linked?.Token ?? _shutdown.Token;
        using var activity = DatabaseTelemetry.StartInteraction(stats, ServerName);
        try
        {
            var connection = await OpenAsync(context, stats, token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var id = Interlocked.Increment(ref _transactionCounter);
                LogDebug("[TXN START] {{{Txn:l}}}", desc, id);
                var start = _clock.GetTimestamp();
                try
                {
                    return await RunAttemptsAsync(connection, desc, id, isolationLevel, typed, untyped, token).ConfigureAwait(false);
                }
                finally
                {
                    var duration = _clock.GetElapsedTime(start);
                    if (!context.IsSentinel)
                    {
                        context.RecordDatabaseTransaction(duration);
                    }

                    _profile.Add(stats, duration);
                    DatabaseTelemetry.RecordTransaction(stats, duration);
                    LogDebug("[TXN END] {{{Txn:l}}} {Seconds:0.000} sec", desc, id, duration.TotalSeconds);
                }
            }
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            linked?.Dispose();
            Exit();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(LoggingContext context, DescStats stats, CancellationToken token)
    {
        var start = _clock.GetTimestamp();
        try
        {
            return await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
        }
        finally
        {
            // Waiting is usage whether or not a connection came of it (a cancelled wait was still spent).
            var wait = _clock.GetElapsedTime(start);
            if (!context.IsSentinel)
            {
                context.RecordDatabaseScheduled(wait);
            }

            DatabaseTelemetry.RecordConnectionWait(stats, wait);
        }
    }

    private async Task<T> RunAttemptsAsync<T>(
        NpgsqlConnection connection, string desc, long id, IsolationLevel isolationLevel,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>>? typed,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? untyped,
        CancellationToken token)
    {
        for (var attempt = 1; ; attempt++)
        {
            var transaction = await connection.BeginTransactionAsync(isolationLevel, token).ConfigureAwait(false);
            using var watch = AbortedTransactionCheck.Begin();
            try
            {
                T result;
                if (typed is not null)
                {
                    result = await typed(connection, transaction, token).ConfigureAwait(false);
                }
                else
                {
                    await untyped!(connection, transaction, token).ConfigureAwait(false);
                    result = default!;
                }

                // Cancelled work that ignored its token still must not commit. Once COMMIT is sent it is not
                // cancelled: a cancelled COMMIT would leave the outcome unknown.
                token.ThrowIfCancellationRequested();
                await watch.Check.CommitAsync(connection, transaction, TransactionName(desc, id)).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException ex) when (IsRetryable(ex))
            {
                Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, TransactionLogSource)
                    .ForContext("SqlState", ex.SqlState)
                    .Warning("[TXN DEADLOCK] {{{Txn:l}}} {Attempt}/{MaxAttempts}", TransactionName(desc, id), attempt, MaxAttempts);
                if (attempt == MaxAttempts || token.IsCancellationRequested)
                {
                    throw;
                }
            }
            finally
            {
                // Rolls back whatever did not commit (closing a reader the work left open first); a no-op after COMMIT.
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // serialization_failure and deadlock_detected: the transaction lost a race and may succeed when run again.
    private static bool IsRetryable(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    private static string TransactionName(string desc, long id) => $"{desc}-{id:x}";

    private static void LogDebug(string template, string desc, long id, double? seconds = null)
    {
        // The logger is read per call: hosts replace Log.Logger. Nothing is formatted unless debug is on.
        var logger = Log.Logger;
        if (!logger.IsEnabled(LogEventLevel.Debug))
        {
            return;
        }

        logger = logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, TransactionLogSource);
        if (seconds is { } s)
        {
            logger.Debug(template, TransactionName(desc, id), s);
        }
        else
        {
            logger.Debug(template, TransactionName(desc, id));
        }
    }
}
