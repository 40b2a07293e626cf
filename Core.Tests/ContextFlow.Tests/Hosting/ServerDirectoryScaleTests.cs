using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Hosting;

/// <summary>
/// Ten thousand configured servers, used so that about five hundred are active at any moment, for five minutes of
/// (fake) time: the live servers follow the active set, memory stays flat, nothing fails, and every released server is
/// collectable.
/// </summary>
public sealed class ServerDirectoryScaleTests : ContextCleanFixture
{
    private const int Configured = 10_000;
    private const int Active = 500;
    private const int Seconds = 300;
    private const int UsesPerSecond = 200;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(20);

    [Test]
    public async Task TenThousandConfigured_FiveHundredActive_LiveServersFollowTheActiveSet_MemoryFlat_ReleasedOnesCollected()
    {
        // The fixture's sink keeps every event, which would be all the heap grows by: log nowhere here.
        Serilog.Log.Logger = Serilog.Core.Logger.None;
        var time = new FakeTimeProvider();
        var signal = new RunningSignal();
        await using var host = new ServerHost(signal);
        await host.StartAsync();
        host.UseDirectory(new Directory(), (config, running) => new TestServer(config, time, running), new ServerDirectoryOptions
        {
            ActivateOnFirstUse = true,
            IdleTimeout = IdleTimeout,
            TimeProvider = time,
        });

        // The test's own bookkeeping must not grow with the run, or it would be what the heap grows by: a flag per
        // configured server, and a weak reference to every tenth release (room made up front).
        var released = new List<WeakReference>(capacity: Configured);
        var releases = 0;
        var activated = new bool[Configured];
        host.ServerShutDown += (_, e) =>
        {
            lock (released)
            {
                if (releases++ % 10 == 0)
                {
                    released.Add(new WeakReference(e.Server));
                }
            }
        };

        var random = new Random(42);
        var live = new List<int>();
        var memory = new List<long>();
        var failures = 0;
        for (var second = 0; second < Seconds; second++)
        {
            // The active set slides through the directory: 500 servers wide, a new one every fifth of a second or so.
            var first = second * Configured / Seconds;
            for (var use = 0; use < UsesPerSecond; use++)
            {
                var index = (first + random.Next(Active)) % Configured;
                var name = $"s{index:0000}";
                try
                {
                    var server = (await host.GetOrActivateAsync(name))!;
                    using (server.KeepAlive())
                    {
                        activated[index] = true;
                    }
                }
                catch (ServerUnavailableException)
                {
                    failures++;
                }
            }

            time.Advance(TimeSpan.FromSeconds(1));
            live.Add(host.Servers.Count);
            if (second % 60 == 59)
            {
                memory.Add(await SettledMemoryAsync());
            }
        }

        var steady = live.Skip(60).ToArray();
        var distinct = activated.Count(a => a);
        TestContext.Out.WriteLine($"activated {distinct} distinct servers, {releases} releases; live after the first minute: " +
            $"{steady.Min()}–{steady.Max()} (mean {steady.Average():0}); heap each minute: {string.Join(", ", memory.Select(m => $"{m / 1e6:0.0} MB"))}");
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Zero, "no use failed");
            // A server stays live for the idle timeout after its last use (plus up to a quarter of it until the check), and
            // the active set takes in a new server every Seconds/Configured s: that many beyond the active set are expected.
            var lingering = (IdleTimeout * 1.25).TotalSeconds * Configured / Seconds;
            Assert.That(steady.Max(), Is.LessThan((Active + lingering) * 1.2), "live servers stay near the active set, not the configured one");
            Assert.That(steady.Min(), Is.GreaterThan(Active));
            Assert.That(releases, Is.GreaterThan(distinct / 2), "servers that fell out of use were released");
            Assert.That(memory.Last() - memory[0], Is.LessThan(1_000_000), "memory flat across the run");
        });

        await host.ShutdownAsync();
        await SettledMemoryAsync();
        WeakReference[] all;
        lock (released)
        {
            all = [.. released];
        }

        Assert.That(all.Count(r => r.IsAlive), Is.Zero, "every released server is collectable");
    }

    private static async Task<long> SettledMemoryAsync()
    {
        // Shutdowns finish on the pool; let them, then collect.
        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
            Thread.Sleep(5);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Ten thousand servers, as a table would list them.</summary>
    private sealed class Directory : IServerConfigProvider<TestConfig>
    {
        public ValueTask<TestConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken) =>
            ValueTask.FromResult(serverName.Length == 5 && serverName[0] == 's' && int.TryParse(serverName.AsSpan(1), out var n) && n < Configured
                ? new TestConfig { ServerName = serverName }
                : null);
    }
}
