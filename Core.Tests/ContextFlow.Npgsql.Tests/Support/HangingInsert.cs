using System;
using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Npgsql.Tests.Support;

/// <summary>
/// An interaction, run in a request context of its own, that inserts one row and then sleeps in the database until
/// its token is cancelled: the way to cancel or shut down "mid-transaction, after an INSERT, before commit".
/// </summary>
public sealed class HangingInsert
{
    private readonly TaskCompletionSource _inserted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;

    private HangingInsert()
    {
    }

    /// <summary>The interaction; it ends cancelled.</summary>
    public Task Interaction { get; private set; } = Task.CompletedTask;

    /// <summary>Completes once the row is inserted (not committed).</summary>
    public Task Inserted => _inserted.Task;

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
                    await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct);
                    hanging._inserted.SetResult();
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
}
