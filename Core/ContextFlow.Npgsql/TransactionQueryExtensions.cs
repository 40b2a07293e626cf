using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace ContextFlow.Npgsql;

/// <summary>
/// Commands on an interaction's transaction that charge the rows they read to the current context
/// (<see cref="LoggingContext.RecordRowsFetched"/>), as <see cref="DatabasePool.RunInteractionAsync{T}(string, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>
/// charges its time. Parameters are positional: <c>$1</c>, <c>$2</c>, ... in the SQL, in the order given.
/// </summary>
/// <remarks>
/// Rows read through a plain <see cref="NpgsqlCommand"/> are not counted; these helpers are how rows get charged.
/// From the sentinel nothing is charged (the pool has already warned that the interaction's metrics are lost).
/// A transaction, like its connection, is used by one operation at a time.
/// </remarks>
/// <example>
/// <code>
/// var rooms = await pool.RunInteractionAsync("get_rooms", (connection, transaction, ct) =>
///     transaction.QueryAsync("SELECT id FROM rooms WHERE owner = $1", r => r.GetString(0), [userId], ct));
/// </code>
/// </example>
public static class TransactionQueryExtensions
{
    /// <summary>Runs a query and maps every row it returns; each row read is charged to the current context.</summary>
    /// <typeparam name="T">What a row is mapped to.</typeparam>
    /// <param name="transaction">The interaction's transaction; the query runs on its connection.</param>
    /// <param name="sql">The query, with <c>$1</c>, <c>$2</c>, ... for the parameters.</param>
    /// <param name="map">Turns the reader's current row into a value.</param>
    /// <param name="parameters">The parameter values in order; <see langword="null"/> is SQL <c>NULL</c>.</param>
    /// <param name="cancellationToken">Cancels the query (pass the interaction's token).</param>
    /// <returns>The mapped rows, in the order read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transaction"/> or <paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="sql"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed (<see cref="ObjectDisposedException"/> once it is disposed).</exception>
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(
        this NpgsqlTransaction transaction, string sql, Func<NpgsqlDataReader, T> map,
        IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        var rows = new List<T>();
        await ReadAsync(transaction, sql, parameters, reader => rows.Add(map(reader)), int.MaxValue, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Runs a query that must return exactly one row and maps it; the row is charged to the current context.</summary>
    /// <inheritdoc cref="QueryAsync{T}"/>
    /// <returns>The mapped row.</returns>
    /// <exception cref="InvalidOperationException">The query returned no row or more than one, or the transaction has completed.</exception>
    public static async Task<T> QuerySingleAsync<T>(
        this NpgsqlTransaction transaction, string sql, Func<NpgsqlDataReader, T> map,
        IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(map);
        var found = 0;
        T result = default!;
        await ReadAsync(transaction, sql, parameters, reader =>
        {
            if (++found == 1)
            {
                result = map(reader);
            }
        }, 2, cancellationToken).ConfigureAwait(false);
        return found == 1 ? result : throw new InvalidOperationException(
            found == 0 ? "The query returned no row; exactly one was expected." : "The query returned more than one row; exactly one was expected.");
    }

    /// <summary>Runs a statement that reads nothing back (rows it changes are not rows fetched).</summary>
    /// <param name="transaction">The interaction's transaction; the statement runs on its connection.</param>
    /// <param name="sql">The statement, with <c>$1</c>, <c>$2</c>, ... for the parameters.</param>
    /// <param name="parameters">The parameter values in order; <see langword="null"/> is SQL <c>NULL</c>.</param>
    /// <param name="cancellationToken">Cancels the statement (pass the interaction's token).</param>
    /// <returns>The number of rows the statement inserted, updated or deleted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transaction"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="sql"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The transaction has completed (<see cref="ObjectDisposedException"/> once it is disposed).</exception>
    public static async Task<int> ExecuteAsync(
        this NpgsqlTransaction transaction, string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        var command = CreateCommand(transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReadAsync(
        NpgsqlTransaction transaction, string sql, IReadOnlyList<object?>? parameters, Action<NpgsqlDataReader> onRow, int limit,
        CancellationToken cancellationToken)
    {
        var command = CreateCommand(transaction, sql, parameters);
        long read = 0;
        try
        {
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (read < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        read++;
                        onRow(reader);
                    }
                }
            }
        }
        finally
        {
            // Rows read are charged even when a later one fails: the database did the work.
            var context = LoggingContext.Current;
            if (read > 0 && !context.IsSentinel)
            {
                context.RecordRowsFetched(read);
            }
        }
    }

    private static NpgsqlCommand CreateCommand(NpgsqlTransaction transaction, string sql, IReadOnlyList<object?>? parameters)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrEmpty(sql);
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has completed; it can run no more commands.");
        var command = new NpgsqlCommand(sql, connection, transaction);
        if (parameters is not null)
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }
        }

        return command;
    }
}
