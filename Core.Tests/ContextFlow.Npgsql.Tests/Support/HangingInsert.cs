using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace ContextFlow.Npgsql.Tests.Support;

/// <summary>
/// An interaction, run in a request context of its own, that inserts one row and then sleeps in the database until
/// its token is cancelled: the way to cancel or shut down "mid-transaction, after an INSERT, before commit".
/// </summary>
/// <remarks>
/// Cancel only once <see cref="WaitUntilSleepingAsync"/> has returned: PostgreSQL cancels the statement running when
/// the cancel request arrives, so a request that overtakes the sleep is lost and the sleep runs its full minute.
/// </remarks>
public sealed class HangingInsert
{
    private readonly TaskCompletionSource<int> _inserted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;

    private HangingInsert()
    {
    }

    /// <summary>The interaction; it ends cancelled.</summary>
    public Task Interaction { get; private set; } = Task.CompletedTask;

    /// <summary>Completes once the row is inserted (not committed), with the backend's process id.</summary>
    public Task<int> Inserted => _inserted.Task;

    /// <summary>Whether the work delegate has returned or thrown.</summary>
    public bool WorkEnded => Volatile.Read(ref _ended) == 1;

    public static HangingInsert Start(DatabasePool pool, string table, CancellationToken cancellationToken = default)
    {
        var hanging = new HangingInsert();
        using (new LoggingContext("PUT-1", pool.ServerName).Enter())
        {
            hanging.Interaction = pool.RunInteractionAsync("insert", async (c, t, ct) =>
            {
                try
                {
                    var backend = await t.QuerySingleAsync("SELECT pg_backend_pid()", r => r.GetInt32(0), null, ct);
                    await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct);
                    hanging._inserted.SetResult(backend);
                    await t.ExecuteAsync("SELECT pg_sleep(60)", null, ct);
                }
                finally
                {
                    Volatile.Write(ref hanging._ended, 1);
                }
            }, cancellationToken);
        }

        return hanging;
    }

    /// <summary>Returns once the row is inserted and the backend is running the sleep.</summary>
    public async Task WaitUntilSleepingAsync(NpgsqlDataSource admin, TimeSpan guard)
    {
        var backend = await Inserted.WaitAsync(guard);
        var waited = Stopwatch.StartNew();
        await using var command = admin.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep(60)%'");
        command.Parameters.Add(new NpgsqlParameter { Value = backend });
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            if (waited.Elapsed > guard)
            {
                Assert.Fail($"backend {backend} never started its sleep");
            }
        }
    }
}
