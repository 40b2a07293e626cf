using System;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;

namespace ContextFlow.Npgsql.Tests;

public sealed class TransactionQueryExtensionsTests : DatabaseFixture
{
    [Test]
    public async Task QueryAsync_MapsEveryRow_WithPositionalParameters_AndChargesTheRows()
    {
        var pool = NewPool("hs");
        var request = new LoggingContext("GET-1", "hs");
        using (request.Enter())
        {
            var rows = await pool.RunInteractionAsync("rows", (c, t, ct) =>
                t.QueryAsync("SELECT n, $2::text FROM generate_series(1, $1) AS n", r => (r.GetInt32(0), r.GetString(1)), [4, "x"], ct));
            Assert.That(rows, Is.EqualTo(new[] { (1, "x"), (2, "x"), (3, "x"), (4, "x") }));
        }

        Assert.That(request.GetResourceUsage().RowsFetched, Is.EqualTo(4));
    }

    [Test]
    public async Task QuerySingleAsync_ReturnsTheOneRow_AndRejectsNoneOrMore()
    {
        var pool = NewPool("hs");
        var request = new LoggingContext("GET-1", "hs");
        using (request.Enter())
        {
            var one = await pool.RunInteractionAsync("one", (c, t, ct) => t.QuerySingleAsync("SELECT $1::int IS NULL", r => r.GetBoolean(0), [null], ct));
            Assert.Multiple(() =>
            {
                Assert.That(one, Is.True, "a null parameter is SQL NULL");
                Assert.That(async () => await pool.RunInteractionAsync("none", (c, t, ct) =>
                    t.QuerySingleAsync("SELECT 1 WHERE false", r => r.GetInt32(0), null, ct)), Throws.InvalidOperationException.With.Message.Contains("no row"));
                Assert.That(async () => await pool.RunInteractionAsync("many", (c, t, ct) =>
                    t.QuerySingleAsync("SELECT generate_series(1, 5)", r => r.GetInt32(0), null, ct)), Throws.InvalidOperationException.With.Message.Contains("more than one"));
            });
        }

        Assert.That(request.GetResourceUsage().RowsFetched, Is.EqualTo(1 + 0 + 2), "rows read, not rows the query could return");
    }

    [Test]
    public async Task ExecuteAsync_ReturnsTheRowsChanged_WhichAreNotRowsFetched()
    {
        var table = await CreateTableAsync("id int primary key");
        var pool = NewPool("hs");
        var request = new LoggingContext("GET-1", "hs");
        using (request.Enter())
        {
            var changed = await pool.RunInteractionAsync("insert", (c, t, ct) =>
                t.ExecuteAsync($"INSERT INTO {table} SELECT generate_series(1, $1)", [3], ct));
            Assert.That(changed, Is.EqualTo(3));
        }

        Assert.That(request.GetResourceUsage().RowsFetched, Is.Zero);
    }

    [Test]
    public async Task OnACompletedTransaction_Throws()
    {
        var pool = NewPool("hs");
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            var transaction = await pool.RunInteractionAsync("leak", (c, t, ct) => Task.FromResult(t));
            Assert.That(() => transaction.ExecuteAsync("SELECT 1"), Throws.InstanceOf<InvalidOperationException>());
        }
    }
}
