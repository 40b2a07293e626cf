using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Npgsql.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Npgsql.Tests;

/// <summary>A pool that belongs to a <see cref="Server"/>: the server closes it at shutdown, after what uses it.</summary>
public sealed class DatabasePoolServerTests : DatabaseFixture
{
    [Test]
    public async Task ServerShutdown_ClosesThePoolAfterItsBackgroundProcessesStopped()
    {
        var server = new PooledServer(new PooledConfig { ServerName = "hs" });
        await server.SetupAsync();
        var interactions = 0;
        var sawDisposed = false;
        var worker = server.BackgroundProcesses.RunAsBackgroundProcess("worker", async ct =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await server.Pool!.RunInteractionAsync("select", (c, t, token) => Task.CompletedTask, ct);
                    Interlocked.Increment(ref interactions);
                }
                catch (ObjectDisposedException)
                {
                    sawDisposed = true;
                    throw;
                }
            }
        });
        while (Volatile.Read(ref interactions) < 3)
        {
            await Task.Yield();
        }

        await server.ShutdownAsync().WaitAsync(Guard);
        await worker;

        Assert.That(sawDisposed, Is.False, "the pool closed while a background process still used it");
        Assert.That(() => server.Pool!.RunInteractionAsync("late", (c, t, ct) => Task.CompletedTask), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task SetupThatFailsAfterOpeningThePool_StillClosesItAtShutdown()
    {
        var server = new PooledServer(new PooledConfig { ServerName = "hs", FailAfterOpening = true });

        Assert.That(() => server.SetupAsync(), Throws.InvalidOperationException);
        await server.ShutdownAsync().WaitAsync(Guard);

        Assert.That(() => server.Pool!.DataSource.OpenConnectionAsync().AsTask(), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public async Task PoolForAShutDownServer_IsRefused()
    {
        var server = new PooledServer(new PooledConfig { ServerName = "hs" });
        await server.ShutdownAsync();

        Assert.That(() => new DatabasePool(server, TestDatabase.ConnectionString), Throws.InvalidOperationException);
    }

    private sealed class PooledConfig : ServerConfig
    {
        public bool FailAfterOpening { get; init; }
    }

    private sealed class PooledServer(PooledConfig config) : Server(config, new FakeTimeProvider(), new RunningSignal())
    {
        public DatabasePool? Pool { get; private set; }

        protected override async Task OnSetupAsync(CancellationToken cancellationToken)
        {
            Pool = new DatabasePool(this, TestDatabase.ConnectionString);
            await Pool.RunInteractionAsync("warm_up", (c, t, ct) => Task.CompletedTask, cancellationToken);
            if (config.FailAfterOpening)
            {
                throw new InvalidOperationException("the second step of setup failed");
            }
        }
    }
}
