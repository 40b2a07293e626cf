using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Tests.Hosting;

/// <summary>
/// Many servers in one process coming and going under load, on real time: requests in request contexts, looping calls,
/// delayed calls and background processes on every server while half of them are deprovisioned.
/// </summary>
public sealed class ServerHostLoadTests : ContextCleanFixture
{
    private const int ServerCount = 100;

    [Test]
    public async Task DeprovisioningHalfUnderLoad_LeavesThemCollectable_AndTheRestKeepTheirCountsAndAttribution()
    {
        var sink = new InMemorySink();
        Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLoggingContext().WriteTo.Sink(sink).CreateLogger();
        var signal = new RunningSignal();
        await using var host = new ServerHost(signal);
        await host.StartAsync();
        var names = Enumerable.Range(0, ServerCount).Select(i => $"tenant-{i:D3}.example").ToArray();
        var removed = names.Where((_, i) => i % 2 == 0).ToArray();
        var kept = names.Except(removed).ToArray();
        var weak = await ProvisionAllAsync(host, signal, removed, kept);

        var handled = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<(string Server, Exception Error)>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(w => Task.Run(() => DriveRequestsAsync(host, names, w, handled, failures, stop.Token))).ToArray();

        await Task.Delay(300);
        await Task.WhenAll(removed.Select(host.DeprovisionAsync));
        var afterRemoval = sink.Events.Count;
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var events = sink.Events;
        var misattributed = events.Where(e => InMemorySink.StringProperty(e, "Emitter") is { } emitter && emitter != InMemorySink.StringProperty(e, "ServerName")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(events.Count(e => e.Properties.ContainsKey("Emitter")), Is.GreaterThan(1000), "the load did run");
            Assert.That(misattributed, Is.Empty, "events carried another server's name");
            Assert.That(failures.Where(f => kept.Contains(f.Server)), Is.Empty, "requests to the kept servers failed");
            Assert.That(host.Servers.Select(s => s.ServerName), Is.EqualTo(kept));
            foreach (var name in kept)
            {
                Assert.That(host.TryGetServer(name, out var server));
                Assert.That(server!.Totals.GetResourceUsage().DbTxnCount, Is.EqualTo(handled.GetValueOrDefault(name)), $"{name} lost or gained requests");
                Assert.That(events.Skip(afterRemoval).Any(e => InMemorySink.StringProperty(e, "ServerName") == name), $"{name} stopped logging");
            }
        });
        await Collectable.AssertCollectedAsync(weak);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference[]> ProvisionAllAsync(ServerHost host, RunningSignal signal, string[] removed, string[] kept)
    {
        var servers = await Task.WhenAll(removed.Concat(kept).Select(name =>
            host.ProvisionAsync(TestServer.Config(name), (c, _) => new TestServer(c, TimeProvider.System, signal) { Start = StartBusy })));
        return [.. servers.Where(s => removed.Contains(s.ServerName)).SelectMany(Collectable.Track)];
    }

    /// <summary>A looping call, a chain of delayed calls and a background process, each logging as its server.</summary>
    private static Task StartBusy(TestServer server, CancellationToken cancellationToken)
    {
        var name = server.ServerName;
        var clock = server.Clock;
        clock.LoopingCall(TimeSpan.FromMilliseconds(20), () => Serilog.Log.Information("Tick of {Emitter}", name));
        void Later() => clock.CallLater(TimeSpan.FromMilliseconds(15), () =>
        {
            Serilog.Log.Information("Later of {Emitter}", name);
            Later();
        });
        Later();
        server.BackgroundProcesses.RunAsBackgroundProcess("poll", async ct =>
        {
            while (true)
            {
                await clock.SleepAsync(TimeSpan.FromMilliseconds(10), ct);
                Serilog.Log.Information("Poll of {Emitter}", name);
            }
        });
        return Task.CompletedTask;
    }

    private static async Task DriveRequestsAsync(
        ServerHost host, string[] names, int worker, ConcurrentDictionary<string, int> handled,
        ConcurrentQueue<(string, Exception)> failures, CancellationToken stop)
    {
        var random = new Random(worker);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var name = names[random.Next(names.Length)];
            if (!host.TryGetServer(name, out var server) || server.State != ServerState.Running)
            {
                continue;
            }

            try
            {
                await HandleAsync(server, $"GET-{worker}-{n}");
                handled.AddOrUpdate(name, 1, (_, c) => c + 1);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                failures.Enqueue((name, ex));
            }
        }
    }

    private static async Task HandleAsync(Server server, string requestId)
    {
        var name = server.ServerName;
        using var scope = new LoggingContext(requestId, name, server.Totals, new RequestInfo(requestId, "GET")).Enter();
        Serilog.Log.Information("Handling for {Emitter}", name);
        await Task.Yield();
        await server.Clock.SleepAsync(TimeSpan.FromMilliseconds(1));
        LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(1));
        Serilog.Log.Information("Handled for {Emitter}", name);
    }
}
