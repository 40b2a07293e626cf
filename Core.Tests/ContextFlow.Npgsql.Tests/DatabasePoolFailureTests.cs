using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using Npgsql;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolFailureTests : DatabaseFixture
{
    [Test]
    public async Task CancelledAfterAnInsert_RollsBackAndLeavesTheRowAbsent()
    {
        var table = await CreateTableAsync("id int primary key");
        var pool = NewPool("hs");
        using var cancel = new CancellationTokenSource();
        var hanging = HangingInsert.Start(pool, table, cancel.Token);

        await hanging.WaitUntilSleepingAsync(Admin, Guard);
        await cancel.CancelAsync();

        Assert.That(async () => await hanging.Interaction.WaitAsync(Guard), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await CountAsync(table), Is.Zero);
    }

    [Test]
    public async Task CancelledWorkThatIgnoresItsToken_IsNotCommitted()
    {
        var table = await CreateTableAsync("id int primary key");
        var pool = NewPool("hs");
        using var cancel = new CancellationTokenSource();
        using (new LoggingContext("PUT-1", "hs").Enter())
        {
            Assert.That(async () => await pool.RunInteractionAsync("insert", async (c, t, ct) =>
            {
                await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, CancellationToken.None);
                await cancel.CancelAsync();
            }, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        }

        Assert.That(await CountAsync(table), Is.Zero);
    }

    [Test]
    public async Task TerminatedBackend_SurfacesAnError_AndTheNextInteractionSucceeds()
    {
        // One connection in all: if the broken one stayed in the pool, the next interaction would get it.
        var pool = NewPool("hs", maxPoolSize: 1);
        var request = new LoggingContext("GET-1", "hs");
        int victim = 0;
        using (request.Enter())
        {
            Assert.That(async () => await pool.RunInteractionAsync("doomed", async (c, t, ct) =>
            {
                victim = await t.QuerySingleAsync("SELECT pg_backend_pid()", r => r.GetInt32(0), null, ct);
                await using (var kill = Admin.CreateCommand($"SELECT pg_terminate_backend({victim})"))
                {
                    await kill.ExecuteScalarAsync(ct);
                }

                await t.ExecuteAsync("SELECT 1", null, ct);
            }), Throws.InstanceOf<NpgsqlException>());

            var next = await pool.RunInteractionAsync("next", (c, t, ct) => t.QuerySingleAsync("SELECT pg_backend_pid()", r => r.GetInt32(0), null, ct));
            Assert.That(next, Is.Not.EqualTo(victim));
        }

        Assert.That(request.GetResourceUsage().DbTxnCount, Is.EqualTo(2), "the failed interaction was charged too");
    }

    [Test]
    public async Task WorkThatSwallowsADatabaseError_Throws_NamingTheInteractionAndTheError_AndCommitsNothing()
    {
        var table = await CreateTableAsync("id int primary key");
        await ExecuteAsync($"INSERT INTO {table} VALUES (1)");
        var pool = NewPool("hs");
        using (new LoggingContext("PUT-1", "hs").Enter())
        {
            var failure = Assert.ThrowsAsync<InvalidOperationException>(async () => await pool.RunInteractionAsync("add_rows", async (c, t, ct) =>
            {
                await t.ExecuteAsync($"INSERT INTO {table} VALUES (2)", null, ct);
                try
                {
                    await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct);
                }
                catch (PostgresException)
                {
                    // Swallowed: the transaction is aborted now, whatever the work does next.
                }

                return 42;
            }));

            Assert.That(failure!.Message, Does.StartWith("Database interaction add_rows-").And.Contains("did not commit").And.Contains("23505"));
            Assert.That(failure.InnerException, Is.InstanceOf<PostgresException>().With.Property(nameof(PostgresException.SqlState)).EqualTo("23505"));
        }

        Assert.That(await CountAsync(table), Is.EqualTo(1), "neither the row before the error nor anything after it was written");
    }

    [Test]
    public async Task ErrorRolledBackToASavepoint_LeavesTheTransactionHealthy_AndItCommits()
    {
        var table = await CreateTableAsync("id int primary key");
        await ExecuteAsync($"INSERT INTO {table} VALUES (1)");
        var pool = NewPool("hs");
        using (new LoggingContext("PUT-1", "hs").Enter())
        {
            await pool.RunInteractionAsync("add_rows", async (c, t, ct) =>
            {
                await t.ExecuteAsync($"INSERT INTO {table} VALUES (2)", null, ct);
                await t.SaveAsync("duplicate", ct);
                try
                {
                    await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    await t.RollbackAsync("duplicate", ct);
                }
            });
        }

        Assert.That(await CountAsync(table), Is.EqualTo(2));
    }
}
