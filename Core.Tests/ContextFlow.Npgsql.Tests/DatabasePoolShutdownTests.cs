using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolShutdownTests : DatabaseFixture
{
    [Test]
    public async Task Shutdown_CancelsInFlightInteractions_WhichRollBack_ThenDisposesTheDataSource()
    {
        var table = await CreateTableAsync("id int primary key");
        var pool = NewPool("hs");
        var hanging = HangingInsert.Start(pool, table);

        await hanging.WaitUntilSleepingAsync(Admin, Guard);
        await pool.ShutdownAsync().WaitAsync(Guard);

        var finished = hanging.WorkEnded;
        var count = await CountAsync(table);
        Assert.Multiple(() =>
        {
            Assert.That(finished, "shutdown waited for the interaction");
            Assert.That(async () => await hanging.Interaction, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(count, Is.Zero);
            Assert.That(async () => await pool.DataSource.OpenConnectionAsync(), Throws.InstanceOf<ObjectDisposedException>());
        });
    }

    [Test]
    public async Task AfterShutdown_EveryCallThrowsObjectDisposed_AndShutdownCanBeRepeated()
    {
        var pool = NewPool("hs");
        await pool.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(() => pool.RunInteractionAsync("x", (c, t, ct) => Task.FromResult(1)), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(() => pool.RunInteractionAsync("x", (c, t, ct) => Task.CompletedTask), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(pool.StartProfiling, Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(pool.ShutdownAsync().IsCompletedSuccessfully);
        });
    }

    [Test]
    public async Task Shutdown_StopsTheReportLoop()
    {
        var time = new FakeTimeProvider();
        var pool = NewPool("hs", time: time);
        pool.StartProfiling();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(Logged("Total database time"), Has.Count.EqualTo(1));

        await pool.ShutdownAsync();
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.That(Logged("Total database time"), Has.Count.EqualTo(1), "no report once the pool is shut down, though its clock runs on");
    }

    [Test]
    public async Task ShutdownRacingInteractions_NeverCompletesWhileOneIsStillRunning()
    {
        // Each trial starts interactions on other threads and shuts the pool down once a varying number of them is
        // inside its work (0 to 3 of 6, the rest still arriving). Every interaction must be refused
        // (ObjectDisposedException), cancelled, or complete, and be over by the time ShutdownAsync completes.
        var violations = new List<string>();
        for (var trial = 0; trial < 40; trial++)
        {
            var pool = NewPool("hs", maxPoolSize: 4);
            var shutDown = 0;
            var working = 0;
            var interactions = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                using (new LoggingContext($"GET-{i}", "hs").Enter())
                {
                    await pool.RunInteractionAsync("select", async (c, t, ct) =>
                    {
                        Interlocked.Increment(ref working);

                        // Work that does not watch its token: shutdown cannot cut it short, only wait for it.
                        await t.ExecuteAsync("SELECT pg_sleep(0.005)", null, CancellationToken.None);
                        if (Volatile.Read(ref shutDown) == 1)
                        {
                            lock (violations)
                            {
                                violations.Add($"trial {trial}: an interaction was still running when ShutdownAsync completed");
                            }
                        }
                    });
                }
            })).ToList();

            var wanted = trial % 4;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Volatile.Read(ref working) < wanted && waited.Elapsed < Guard)
            {
                await Task.Yield();
            }

            await pool.ShutdownAsync().WaitAsync(Guard);
            Volatile.Write(ref shutDown, 1);
            foreach (var interaction in interactions)
            {
                try
                {
                    await interaction.WaitAsync(Guard);
                }
                catch (ObjectDisposedException ex) when (ex.ObjectName == typeof(DatabasePool).FullName)
                {
                    // Refused: the pool was already shutting down.
                }
                catch (OperationCanceledException)
                {
                    // Cancelled by the shutdown.
                }
            }
        }

        Assert.That(violations, Is.Empty);
    }
}
