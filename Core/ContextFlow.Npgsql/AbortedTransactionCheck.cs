using System;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace ContextFlow.Npgsql;

/// <summary>
/// Commits an interaction's transaction, unless a statement of it failed and the work carried on: PostgreSQL has then
/// aborted the transaction and would turn the COMMIT into a rollback, reporting success. The interaction fails instead,
/// naming itself and the error that was swallowed.
/// </summary>
/// <remarks>
/// <para>
/// Npgsql does not make a connection's transaction state public, so the check has two parts. While the work runs, a
/// first-chance exception handler records each <see cref="PostgresException"/> thrown on the attempt's flow (an
/// AsyncLocal the attempt sets): almost always there is none, and the commit is a plain <c>COMMIT</c>, as before. When
/// the work ended normally after such an error, the commit asks the server in the same round trip instead: it sends
/// <c>SELECT</c> (no columns) before <c>COMMIT</c> in one batch. In an aborted transaction PostgreSQL refuses every
/// statement but the ones that end it (SQLSTATE 25P02) and skips the rest of the batch, so the COMMIT is never sent and
/// the transaction is rolled back when it is disposed. An error the work rolled back to a savepoint leaves the
/// transaction healthy: the batch commits it.
/// </para>
/// </remarks>
internal sealed class AbortedTransactionCheck
{
    private static readonly AsyncLocal<AbortedTransactionCheck?> s_current = new();

    private PostgresException? _lastError;

    static AbortedTransactionCheck()
    {
        AppDomain.CurrentDomain.FirstChanceException += static (_, e) =>
        {
            if (e.Exception is PostgresException error && s_current.Value is { } attempt)
            {
                attempt._lastError = error;
            }
        };
    }

    private AbortedTransactionCheck()
    {
    }

    /// <summary>Starts watching the current flow for errors of the attempt; dispose the scope when the attempt ends.</summary>
    public static Scope Begin() => new(new AbortedTransactionCheck());

    /// <summary>Commits, or throws if the transaction was aborted by an error the work did not let through.</summary>
    /// <remarks>Not cancellable: a cancelled COMMIT would leave the outcome unknown.</remarks>
    public Task CommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string interaction) =>
        _lastError is null ? transaction.CommitAsync(CancellationToken.None) : CommitCheckedAsync(connection, transaction, interaction);

    private async Task CommitCheckedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string interaction)
    {
        var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new NpgsqlBatchCommand("SELECT"), new NpgsqlBatchCommand("COMMIT") },
        };
        // What the work let go of, if anything; the refusal below is a PostgresException of its own.
        var swallowed = _lastError;
        await using (batch.ConfigureAwait(false))
        {
            try
            {
                await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InFailedSqlTransaction)
            {
                throw new InvalidOperationException(
                    $"Database interaction {interaction} did not commit: " +
                    (swallowed is null ? "a statement of it failed" : $"a statement of it failed ({swallowed.SqlState}: {swallowed.MessageText})") +
                    " and the work caught the error and carried on, so PostgreSQL aborted the transaction and rolled it back. " +
                    "Let database errors propagate out of the work, or roll back to a savepoint around a statement allowed to fail.",
                    swallowed);
            }
        }
    }

    /// <summary>The attempt being watched on this flow, until disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly AbortedTransactionCheck? _previous;

        internal Scope(AbortedTransactionCheck check)
        {
            Check = check;
            _previous = s_current.Value;
            s_current.Value = check;
        }

        public AbortedTransactionCheck Check { get; }

        public void Dispose() => s_current.Value = _previous;
    }
}
