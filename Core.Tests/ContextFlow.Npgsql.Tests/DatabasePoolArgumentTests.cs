using System;
using System.Data;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using ContextFlow.Tests.Support;
using Npgsql;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolArgumentTests : ContextCleanFixture
{
    private const string ConnectionString = "Host=127.0.0.1;Username=nobody";

    [Test]
    public void Constructor_RejectsMissingArgumentsAndAnotherServersClock()
    {
        var clock = new ContextFlow.Time.Clock(TimeProvider.System, "hs");
        Assert.Multiple(() =>
        {
            Assert.That(() => new DatabasePool("", clock, ConnectionString), Throws.ArgumentException);
            Assert.That(() => new DatabasePool("hs", null!, ConnectionString), Throws.ArgumentNullException);
            Assert.That(() => new DatabasePool("hs", clock, (NpgsqlDataSource)null!), Throws.ArgumentNullException);
            Assert.That(() => new DatabasePool("hs", clock, ""), Throws.ArgumentException);
            Assert.That(() => new DatabasePool("hs", clock, "No Such Keyword=1"), Throws.ArgumentException);
            Assert.That(() => new DatabasePool("other", clock, ConnectionString),
                Throws.ArgumentException.With.Message.Contains("belongs to server 'hs'"));
        });
        clock.Shutdown();
    }

    [Test]
    public async Task RunInteraction_RejectsBadArgumentsBeforeTouchingTheDatabase()
    {
        var clock = new ContextFlow.Time.Clock(TimeProvider.System, "hs");
        await using var pool = new DatabasePool("hs", clock, ConnectionString);
        Assert.Multiple(() =>
        {
            Assert.That(() => pool.RunInteractionAsync("", (c, t, ct) => Task.FromResult(1)), Throws.ArgumentException);
            Assert.That(() => pool.RunInteractionAsync("x", (Func<NpgsqlConnection, NpgsqlTransaction, System.Threading.CancellationToken, Task<int>>)null!),
                Throws.ArgumentNullException);
            Assert.That(() => pool.RunInteractionAsync("x", IsolationLevel.Chaos, (c, t, ct) => Task.FromResult(1)),
                Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
        clock.Shutdown();
    }
}
