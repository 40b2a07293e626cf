using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Npgsql;

namespace ContextFlow.Npgsql.Tests.Support;

/// <summary>
/// Base of the database tests: a clean-context test (see <see cref="ContextCleanFixture"/>) against the real
/// PostgreSQL of <see cref="TestDatabase"/>, with pools, clocks and tables that are cleaned up after each test.
/// </summary>
public abstract class DatabaseFixture : ContextCleanFixture
{
    /// <summary>How long a test waits for something that should happen at once, before failing instead of hanging.</summary>
    protected static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly List<DatabasePool> _pools = new();
    private readonly List<Clock> _clocks = new();
    private readonly List<string> _tables = new();

    /// <summary>A data source of the tests' own, for setting up and checking; nothing done through it is charged.</summary>
    protected NpgsqlDataSource Admin { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task ConnectAsync()
    {
        await TestDatabase.EnsureAvailableAsync();
        Admin = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
    }

    [OneTimeTearDown]
    public async Task DisconnectAsync()
    {
        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }
    }

    [TearDown]
    public async Task CleanUpAsync()
    {
        foreach (var pool in _pools)
        {
            await pool.ShutdownAsync();
        }

        foreach (var clock in _clocks)
        {
            clock.Shutdown();
        }

        foreach (var table in _tables)
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {table}");
        }

        _pools.Clear();
        _clocks.Clear();
        _tables.Clear();
    }

    /// <summary>A clock for <paramref name="serverName"/>, shut down after the test.</summary>
    protected Clock NewClock(string serverName, TimeProvider? time = null)
    {
        var clock = new Clock(time ?? TimeProvider.System, serverName);
        _clocks.Add(clock);
        return clock;
    }

    /// <summary>A pool of <paramref name="serverName"/> over its own data source, shut down after the test.</summary>
    protected DatabasePool NewPool(string serverName, int maxPoolSize = 10, TimeProvider? time = null)
    {
        var pool = new DatabasePool(serverName, NewClock(serverName, time), TestDatabase.WithPoolSize(maxPoolSize));
        _pools.Add(pool);
        return pool;
    }

    /// <summary>Creates a table with a unique name, dropped after the test, and returns its name.</summary>
    protected async Task<string> CreateTableAsync(string columns)
    {
        var name = $"t_{Guid.NewGuid():N}";
        _tables.Add(name);
        await ExecuteAsync($"CREATE TABLE {name} ({columns})");
        return name;
    }

    protected async Task<int> ExecuteAsync(string sql)
    {
        await using var command = Admin.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync();
    }

    protected async Task<long> CountAsync(string table)
    {
        await using var command = Admin.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The messages logged at <paramref name="level"/> or above that contain <paramref name="text"/>.</summary>
    protected IReadOnlyList<string> Logged(string text, Serilog.Events.LogEventLevel level = Serilog.Events.LogEventLevel.Verbose) =>
        Log.Events.Where(e => e.Level >= level).Select(e => e.RenderMessage()).Where(m => m.Contains(text, StringComparison.Ordinal)).ToList();
}
