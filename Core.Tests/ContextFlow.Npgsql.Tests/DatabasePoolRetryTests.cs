using System;
using System.Data;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using ContextFlow.Tests.Support;
using Npgsql;
using Serilog.Events;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolRetryTests : DatabaseFixture
{
    [Test]
    public async Task ConcurrentSerializableUpdatesOfOneRow_FailWith40001_AreRetried_AndBothSucceed()
    {
        var table = await CreateTableAsync("id int primary key, v int not null");
        await ExecuteAsync($"INSERT INTO {table} VALUES (1, 0)");
        var pool = NewPool("hs");
        var request = new LoggingContext("PUT-1", "hs");
        var bothRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = 0;
        var attempts = new int[2];

        // Both first attempts read the row before either updates it, so the second updater's snapshot is stale:
        // PostgreSQL fails it with serialization_failure, and only a fresh transaction can succeed.
        Task Increment(int which) => pool.RunInteractionAsync("increment", IsolationLevel.Serializable, async (c, t, ct) =>
        {
            var attempt = Interlocked.Increment(ref attempts[which]);
            var v = await t.QuerySingleAsync($"SELECT v FROM {table} WHERE id = 1", r => r.GetInt32(0), null, ct);
            if (attempt == 1)
            {
                if (Interlocked.Increment(ref readers) == 2)
                {
                    bothRead.SetResult();
                }

                await bothRead.Task.WaitAsync(Guard, ct);
            }

            await t.ExecuteAsync($"UPDATE {table} SET v = $1 WHERE id = 1", [v + 1], ct);
        });

        using (request.Enter())
        {
            await Task.WhenAll(Increment(0), Increment(1));
        }

        await using var check = Admin.CreateCommand($"SELECT v FROM {table} WHERE id = 1");
        var final = (int)(await check.ExecuteScalarAsync())!;
        var retries = Log.Events.Where(e => e.MessageTemplate.Text.StartsWith("[TXN DEADLOCK]", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(final, Is.EqualTo(2), "both increments committed, neither lost");
            Assert.That(attempts.Sum(), Is.EqualTo(3), "one of the two ran twice");
            Assert.That(retries, Has.Count.EqualTo(1));
            Assert.That(retries[0].Level, Is.EqualTo(LogEventLevel.Warning));
            Assert.That(retries[0].RenderMessage(), Does.Match(@"^\[TXN DEADLOCK\] \{increment-[0-9a-f]+\} 1/5$"));
            Assert.That(InMemorySink.StringProperty(retries[0], "SqlState"), Is.EqualTo(PostgresErrorCodes.SerializationFailure));
            Assert.That(request.GetResourceUsage().DbTxnCount, Is.EqualTo(2), "an interaction is one transaction, however many attempts");
        });
    }

    [Test]
    public async Task Deadlock40P01_IsRetriedOnAFreshTransaction()
    {
        var table = await CreateTableAsync("id int primary key");
        var pool = NewPool("hs");
        var attempts = 0;
        using (new LoggingContext("PUT-1", "hs").Enter())
        {
            await pool.RunInteractionAsync("insert", async (c, t, ct) =>
            {
                await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct);
                if (++attempts == 1)
                {
                    await RaiseAsync(t, PostgresErrorCodes.DeadlockDetected, ct);
                }
            });
        }

        var count = await CountAsync(table);
        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(2));
            Assert.That(count, Is.EqualTo(1), "the failed attempt was rolled back, the retry committed");
        });
    }

    [Test]
    public async Task SerializationFailureEveryTime_SurfacesUnchangedAfterFiveAttempts()
    {
        var pool = NewPool("hs");
        var attempts = 0;
        PostgresException? thrown;
        using (new LoggingContext("PUT-1", "hs").Enter())
        {
            thrown = Assert.ThrowsAsync<PostgresException>(() => pool.RunInteractionAsync("doomed", async (c, t, ct) =>
            {
                attempts++;
                await RaiseAsync(t, PostgresErrorCodes.SerializationFailure, ct);
            }));
        }

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.SqlState, Is.EqualTo(PostgresErrorCodes.SerializationFailure));
            Assert.That(attempts, Is.EqualTo(DatabasePool.MaxAttempts));
            Assert.That(Logged("[TXN DEADLOCK]").Select(m => m[^3..]), Is.EqualTo(new[] { "1/5", "2/5", "3/5", "4/5", "5/5" }));
        });
    }

    [Test]
    public async Task UniqueViolation_SurfacesUnchangedAfterOneAttempt()
    {
        var table = await CreateTableAsync("id int primary key");
        await ExecuteAsync($"INSERT INTO {table} VALUES (1)");
        var pool = NewPool("hs");
        var attempts = 0;
        PostgresException? thrown;
        using (new LoggingContext("PUT-1", "hs").Enter())
        {
            thrown = Assert.ThrowsAsync<PostgresException>(() => pool.RunInteractionAsync("insert", async (c, t, ct) =>
            {
                attempts++;
                await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct);
            }));
        }

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.SqlState, Is.EqualTo(PostgresErrorCodes.UniqueViolation));
            Assert.That(attempts, Is.EqualTo(1));
            Assert.That(Logged("[TXN DEADLOCK]"), Is.Empty);
        });
    }

    // A real error from the server, with the SQLSTATE asked for.
    private static Task<int> RaiseAsync(NpgsqlTransaction transaction, string sqlState, CancellationToken ct) =>
        transaction.ExecuteAsync($"DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '{sqlState}'; END $$", null, ct);
}
