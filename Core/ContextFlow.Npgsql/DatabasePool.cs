using System;
using System.Data;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Npgsql;

namespace ContextFlow.Npgsql;

/// <summary>
/// A server's database pool: runs each interaction (a function over a connection and a transaction) on a pooled
/// connection of an <see cref="NpgsqlDataSource"/>, and charges its connection wait, its transaction time and the rows
/// it reads to the <see cref="LoggingContext"/> that ran it, and so to every ancestor of that context.
/// </summary>
/// <remarks>
/// <para>
/// One pool per server. The connection wait (from the call until a connection is open) is recorded with
/// <see cref="LoggingContext.RecordDatabaseScheduled"/>; each interaction, all its attempts together, is one
/// <see cref="LoggingContext.RecordDatabaseTransaction"/>; rows read through <see cref="TransactionQueryExtensions"/>
/// are recorded with <see cref="LoggingContext.RecordRowsFetched"/>. An interaction started from the sentinel logs
/// <c>Starting db txn 'desc' from sentinel context: metrics will be lost</c> and charges no context.
/// </para>
/// <para>
/// Serialization failures (<c>40001</c>) and deadlocks (<c>40P01</c>) are retried on a fresh transaction, up to
/// <see cref="MaxAttempts"/> attempts in all, each failed one rolled back: <b>the work may run more than once</b>, so it
/// must not have effects outside the transaction that cannot be repeated. Every other error, and the last retryable
/// one, surfaces unchanged. Anything that did not commit is rolled back, also on cancellation.
/// </para>
/// <para>
/// Each interaction is a span <c>db.{desc}</c> on the <c>"ContextFlow"</c> activity source, under the caller's span
/// (Npgsql's own command spans nest under it), and is counted per <c>desc</c> on the <c>"ContextFlow"</c> meter:
/// <c>contextflow.db.transactions</c>, <c>contextflow.db.transaction_duration</c> (s) and
/// <c>contextflow.db.connection_wait</c> (s), tagged <c>server_name</c> and <c>desc</c>. <c>desc</c> names the
/// kind of interaction (<c>"get_user"</c>), never a value: it is a metric tag.
/// </para>
/// <para>All members are thread-safe; any number of interactions may run at once.</para>
/// </remarks>
/// <example>
/// <code>
/// var pool = new DatabasePool("tenant-a.example", clock, "Host=db;Username=app;Database=tenant_a");
/// pool.StartProfiling();
/// using (new LoggingContext("GET-42", "tenant-a.example").Enter())
/// {
///     var name = await pool.RunInteractionAsync("get_user", (connection, transaction, ct) =>
///         transaction.QuerySingleAsync("SELECT name FROM users WHERE id = $1", r => r.GetString(0), [42], ct));
/// }   // GET-42's usage now holds one transaction, its wait and duration, and one row
/// await pool.ShutdownAsync();
/// </code>
/// </example>
public sealed partial class DatabasePool : IAsyncDisposable
{
    /// <summary>How many times an interaction is attempted in all when it keeps failing with 40001 or 40P01.</summary>
    public const int MaxAttempts = 5;

    private readonly Clock _clock;
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the pool of one server over a data source, which it owns from now on and disposes at shutdown.</summary>
    /// <param name="serverName">The server (tenant) the pool belongs to: the <c>server_name</c> of its metrics.</param>
    /// <param name="clock">The server's clock: it times interactions and runs the <see cref="StartProfiling"/> report.</param>
    /// <param name="dataSource">Where connections come from. Name it after the server
    /// (<see cref="NpgsqlDataSourceBuilder.Name"/>) so that Npgsql's own metrics carry the tenant too.</param>
    /// <exception cref="ArgumentException"><paramref name="serverName"/> is null or empty, or is not the clock's server.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="clock"/> or <paramref name="dataSource"/> is <see langword="null"/>.</exception>
    public DatabasePool(string serverName, Clock clock, NpgsqlDataSource dataSource)
    {
        Validate(serverName, clock);
        ArgumentNullException.ThrowIfNull(dataSource);
        ServerName = serverName;
        _clock = clock;
        _dataSource = dataSource;
    }

    /// <summary>
    /// Creates the pool of one server over a new data source for <paramref name="connectionString"/>, named after the
    /// server so that Npgsql's own metrics and traces carry the tenant.
    /// </summary>
    /// <inheritdoc cref="DatabasePool(string, Clock, NpgsqlDataSource)"/>
    /// <param name="serverName">The server (tenant) the pool belongs to: the <c>server_name</c> of its metrics.</param>
    /// <param name="clock">The server's clock: it times interactions and runs the <see cref="StartProfiling"/> report.</param>
    /// <param name="connectionString">An Npgsql connection string; pooling settings such as <c>Maximum Pool Size</c> apply.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or not a valid connection string.</exception>
    public DatabasePool(string serverName, Clock clock, string connectionString)
        : this(serverName, clock, BuildDataSource(serverName, clock, connectionString))
    {
    }

    /// <summary>
    /// Creates the pool of <paramref name="server"/> over a new data source for <paramref name="connectionString"/>
    /// (named after the server), and hands it to the server, which closes it at shutdown once its handlers, timers and
    /// background processes have stopped.
    /// </summary>
    /// <param name="server">The server the pool belongs to: its name, its clock, and who closes the pool.</param>
    /// <param name="connectionString">An Npgsql connection string; pooling settings such as <c>Maximum Pool Size</c> apply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is null, empty or not a valid connection string.</exception>
    /// <exception cref="InvalidOperationException">The server is shutting down; nothing was opened.</exception>
    /// <example>
    /// <code>
    /// protected override Task OnSetupAsync(CancellationToken ct)
    /// {
    ///     Database = new DatabasePool(this, config.ConnectionString);   // closed by ShutdownAsync
    ///     return Database.RunInteractionAsync("migrate", MigrateAsync, ct);
    /// }
    /// </code>
    /// </example>
    public DatabasePool(Server server, string connectionString)
        : this(Of(server).ServerName, server.Clock, connectionString)
    {
        try
        {
            server.RegisterForDisposeAsync(this);
        }
        catch
        {
            _dataSource.Dispose();
            throw;
        }
    }

    /// <summary>The server (tenant) this pool belongs to.</summary>
    public string ServerName { get; }

    /// <summary>
    /// The data source connections come from, for what interactions do not cover (<c>LISTEN</c>, <c>COPY</c> outside a
    /// transaction). Work done through it directly is not charged to any context.
    /// </summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Runs <paramref name="work"/> in a <see cref="IsolationLevel.ReadCommitted"/> transaction on a pooled connection and
    /// commits it, charging the current context. The work may run more than once (see the remarks of the class).
    /// </summary>
    /// <typeparam name="T">What the work returns.</typeparam>
    /// <param name="desc">The kind of interaction, e.g. <c>"get_user"</c>: span name, log name and metric tag.</param>
    /// <param name="work">The interaction; it receives the connection, the transaction and a token that is cancelled
    /// when <paramref name="cancellationToken"/> is or the pool shuts down. It may run more than once.</param>
    /// <param name="cancellationToken">Cancels the interaction; whatever it did is then rolled back.</param>
    /// <returns>What the committed attempt of the work returned.</returns>
    /// <exception cref="ArgumentException"><paramref name="desc"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The pool has been shut down.</exception>
    /// <exception cref="PostgresException">The database's error, unchanged (after the last attempt for 40001 and 40P01).</exception>
    /// <exception cref="OperationCanceledException">The interaction was cancelled, or the pool shut down during it.</exception>
    public Task<T> RunInteractionAsync<T>(
        string desc, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        RunInteractionAsync(desc, IsolationLevel.ReadCommitted, work, cancellationToken);

    /// <summary>Like <see cref="RunInteractionAsync{T}(string, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>, at another isolation level.</summary>
    /// <inheritdoc cref="RunInteractionAsync{T}(string, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>
    /// <param name="desc">The kind of interaction, e.g. <c>"get_user"</c>: span name, log name and metric tag.</param>
    /// <param name="isolationLevel">The transaction's isolation level; <see cref="IsolationLevel.Chaos"/> is not supported.</param>
    /// <param name="work">The interaction; it may run more than once.</param>
    /// <param name="cancellationToken">Cancels the interaction; whatever it did is then rolled back.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="isolationLevel"/> is not one PostgreSQL supports.</exception>
    public Task<T> RunInteractionAsync<T>(
        string desc, IsolationLevel isolationLevel, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken = default)
    {
        ValidateInteraction(desc, isolationLevel, work);
        return RunAsync(desc, isolationLevel, work, null, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/>, which returns nothing, as an interaction in a <see cref="IsolationLevel.ReadCommitted"/> transaction.</summary>
    /// <inheritdoc cref="RunInteractionAsync{T}(string, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>
    /// <returns>A task that completes when the transaction has committed.</returns>
    public Task RunInteractionAsync(
        string desc, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        RunInteractionAsync(desc, IsolationLevel.ReadCommitted, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/>, which returns nothing, as an interaction at another isolation level.</summary>
    /// <inheritdoc cref="RunInteractionAsync{T}(string, IsolationLevel, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>
    /// <returns>A task that completes when the transaction has committed.</returns>
    public Task RunInteractionAsync(
        string desc, IsolationLevel isolationLevel, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> work,
        CancellationToken cancellationToken = default)
    {
        ValidateInteraction(desc, isolationLevel, work);
        return RunAsync<bool>(desc, isolationLevel, null, work, cancellationToken);
    }

    private static void Validate(string serverName, Clock clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        ArgumentNullException.ThrowIfNull(clock);
        if (!string.Equals(clock.ServerName, serverName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The clock belongs to server '{clock.ServerName}', not '{serverName}': a pool uses its own server's clock.", nameof(clock));
        }
    }

    private static Server Of(Server server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server;
    }

    private static NpgsqlDataSource BuildDataSource(string serverName, Clock clock, string connectionString)
    {
        Validate(serverName, clock);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return new NpgsqlDataSourceBuilder(connectionString) { Name = serverName }.Build();
    }

    private void ValidateInteraction(string desc, IsolationLevel isolationLevel, Delegate work)
    {
        ArgumentException.ThrowIfNullOrEmpty(desc);
        ArgumentNullException.ThrowIfNull(work);
        if (isolationLevel is not (IsolationLevel.Unspecified or IsolationLevel.ReadUncommitted or IsolationLevel.ReadCommitted
            or IsolationLevel.RepeatableRead or IsolationLevel.Serializable or IsolationLevel.Snapshot))
        {
            throw new ArgumentOutOfRangeException(nameof(isolationLevel), isolationLevel, "PostgreSQL does not support this isolation level.");
        }

        ObjectDisposedException.ThrowIf(IsShutDown, this);
    }
}
