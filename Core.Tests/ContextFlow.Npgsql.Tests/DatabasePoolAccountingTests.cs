using System;
using System.Data;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using Serilog.Events;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolAccountingTests : DatabaseFixture
{
    [Test]
    public async Task FiveHundredConcurrentInteractions_AreCountedExactly()
    {
        var pool = NewPool("hs", maxPoolSize: 8);
        var request = new LoggingContext("GET-1", "hs");
        using (request.Enter())
        {
            await Task.WhenAll(Enumerable.Range(0, 500).Select(_ =>
                pool.RunInteractionAsync("select_one", (c, t, ct) => t.QuerySingleAsync("SELECT 1", r => r.GetInt32(0), null, ct))));
        }

        Assert.That(request.GetResourceUsage().DbTxnCount, Is.EqualTo(500));
    }

    [Test]
    public async Task EachInteraction_ChargesADurationAboveZeroAndWithinItsWallTime()
    {
        var pool = NewPool("hs");
        var request = new LoggingContext("GET-1", "hs");
        var total = Stopwatch.StartNew();
        using (request.Enter())
        {
            for (var i = 0; i < 20; i++)
            {
                var before = request.GetResourceUsage();
                var wall = Stopwatch.StartNew();
                await pool.RunInteractionAsync("sleep", (c, t, ct) => t.ExecuteAsync("SELECT pg_sleep(0.002)", null, ct));
                wall.Stop();
                var after = request.GetResourceUsage();
                var duration = after.DbTxnDuration - before.DbTxnDuration;
                var wait = after.DbSchedDuration - before.DbSchedDuration;
                Assert.Multiple(() =>
                {
                    Assert.That(duration, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(2)), "pg_sleep(0.002) ran inside the transaction");
                    Assert.That(duration + wait, Is.LessThanOrEqualTo(wall.Elapsed));
                    Assert.That(wait, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
                });
            }
        }

        total.Stop();
        var usage = request.GetResourceUsage();
        Assert.Multiple(() =>
        {
            Assert.That(usage.DbTxnCount, Is.EqualTo(20));
            Assert.That(usage.DbTxnDuration + usage.DbSchedDuration, Is.LessThanOrEqualTo(total.Elapsed));
        });
    }

    [Test]
    public async Task ExhaustedPool_ChargesTheWaitForAConnection()
    {
        var pool = NewPool("hs", maxPoolSize: 1);
        var holder = new LoggingContext("GET-1", "hs");
        var waiter = new LoggingContext("GET-2", "hs");
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = TimeSpan.FromMilliseconds(500);
        long released = 0;
        Task first;
        using (holder.Enter())
        {
            first = pool.RunInteractionAsync("hold", async (c, t, ct) =>
            {
                holding.SetResult();
                await t.ExecuteAsync($"SELECT pg_sleep({hold.TotalSeconds})", null, ct);
                released = Stopwatch.GetTimestamp();
            });
        }

        await holding.Task;
        long asked;
        using (waiter.Enter())
        {
            asked = Stopwatch.GetTimestamp();
            await pool.RunInteractionAsync("wait", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
        }

        await first;

        // The second waited at least from its call until the first let go of the one connection (its commit comes
        // after that); the tolerance covers the clocks' granularity, not scheduling.
        var heldWhileAsked = Stopwatch.GetElapsedTime(asked, released);
        var tolerance = TimeSpan.FromMilliseconds(5);
        Assert.Multiple(() =>
        {
            Assert.That(heldWhileAsked, Is.GreaterThan(TimeSpan.Zero), "the second call came while the first held the connection");
            Assert.That(waiter.GetResourceUsage().DbSchedDuration, Is.GreaterThanOrEqualTo(heldWhileAsked - tolerance));
            Assert.That(holder.GetResourceUsage().DbSchedDuration, Is.LessThan(waiter.GetResourceUsage().DbSchedDuration));
            Assert.That(holder.GetResourceUsage().DbTxnDuration, Is.GreaterThanOrEqualTo(hold));
        });
    }

    [Test]
    public async Task Usage_RollsUpToEveryAncestor()
    {
        var pool = NewPool("hs");
        var totals = new LoggingContext("totals", "hs");
        var request = new LoggingContext("GET-1", "hs", totals);
        var nested = request.CreateNested("inner");
        using (nested.Enter())
        {
            await pool.RunInteractionAsync("rows", (c, t, ct) => t.QueryAsync("SELECT generate_series(1, 7)", r => r.GetInt32(0), null, ct));
        }

        var own = nested.GetResourceUsage();
        Assert.Multiple(() =>
        {
            Assert.That(own.DbTxnCount, Is.EqualTo(1));
            Assert.That(own.RowsFetched, Is.EqualTo(7));
            Assert.That(own.DbTxnDuration, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(request.GetResourceUsage(), Is.EqualTo(own));
            Assert.That(totals.GetResourceUsage(), Is.EqualTo(own));
        });
    }

    [Test]
    public async Task FromTheSentinel_WarnsOnceAndChargesNothing()
    {
        var pool = NewPool("hs");
        var rows = await pool.RunInteractionAsync("get_user", (c, t, ct) => t.QueryAsync("SELECT generate_series(1, 3)", r => r.GetInt32(0), null, ct));

        var warnings = Log.Events.Where(e => e.Level >= LogEventLevel.Warning).Select(e => e.RenderMessage()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(3));
            Assert.That(warnings, Is.EqualTo(new[] { "Starting db txn 'get_user' from sentinel context: metrics will be lost" }));
            Assert.That(LoggingContext.Sentinel.GetResourceUsage(), Is.EqualTo(default(ResourceUsage)));
        });
    }

    [Test]
    public async Task DefaultIsolation_IsReadCommitted_AndAnotherCanBeAsked()
    {
        var pool = NewPool("hs");
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            var byDefault = await pool.RunInteractionAsync("show", (c, t, ct) =>
                t.QuerySingleAsync("SHOW transaction_isolation", r => r.GetString(0), null, ct));
            var serializable = await pool.RunInteractionAsync("show", IsolationLevel.Serializable, (c, t, ct) =>
                t.QuerySingleAsync("SHOW transaction_isolation", r => r.GetString(0), null, ct));
            Assert.Multiple(() =>
            {
                Assert.That(byDefault, Is.EqualTo("read committed"));
                Assert.That(serializable, Is.EqualTo("serializable"));
            });
        }
    }

    [Test]
    public async Task WorkThatReturnsNothing_IsCommittedAndCharged()
    {
        var table = await CreateTableAsync("id int primary key");
        var pool = NewPool("hs");
        var request = new LoggingContext("GET-1", "hs");
        using (request.Enter())
        {
            await pool.RunInteractionAsync("insert", async (c, t, ct) => { await t.ExecuteAsync($"INSERT INTO {table} VALUES (1)", null, ct); });
        }

        var count = await CountAsync(table);
        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(1));
            Assert.That(request.GetResourceUsage().DbTxnCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TransactionLines_AreLoggedAtDebugWithTheirNameAndSeconds()
    {
        var pool = NewPool("hs");
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            await pool.RunInteractionAsync("get_user", (c, t, ct) => t.ExecuteAsync("SELECT 1", null, ct));
        }

        var lines = Log.Events.Where(e => e.Level == LogEventLevel.Debug && e.MessageTemplate.Text.StartsWith("[TXN", StringComparison.Ordinal))
            .Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.Match(@"^\[TXN START\] \{get_user-[0-9a-f]+\}$"));
            Assert.That(lines[1], Does.Match(@"^\[TXN END\] \{get_user-[0-9a-f]+\} \d+\.\d{3} sec$"));
            Assert.That(lines[1], Does.StartWith(lines[0].Replace("START", "END", StringComparison.Ordinal)));
        });
    }
}
