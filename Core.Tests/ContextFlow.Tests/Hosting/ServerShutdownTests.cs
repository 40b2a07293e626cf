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
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Hosting;

/// <summary>Shutdown: its order, its context, its idempotence, and that it leaves nothing behind.</summary>
public sealed class ServerShutdownTests : HostingFixture
{
    [SetUp]
    public void MarkRunning() => Signal.MarkRunning();

    [Test]
    public async Task Shutdown_RunsHandlersLastFirst_ThenStopsTheClock_ThenProcesses_ThenDisposesLastFirst()
    {
        var steps = new ConcurrentQueue<string>();
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            var loop = s.Clock.LoopingCall(TimeSpan.FromMinutes(1), () => { });
            s.BackgroundProcesses.RunAsBackgroundProcess("worker", async ct =>
            {
                try
                {
                    await s.Clock.SleepAsync(TimeSpan.FromHours(1), ct);
                }
                finally
                {
                    steps.Enqueue("worker ended");
                }
            });
            s.RegisterForDisposeAsync(new Disposable(steps, "first resource"));
            s.RegisterForDispose(new Disposable(steps, "second resource"));
            s.RegisterShutdownHandler(() => steps.Enqueue($"first handler, loop running: {loop.IsRunning}"));
            s.RegisterShutdownHandler(async ct =>
            {
                await Task.Yield();
                steps.Enqueue($"second handler, loop running: {loop.IsRunning}");
            });
            return Task.CompletedTask;
        });

        await server.ShutdownAsync();

        Assert.That(steps, Is.EqualTo(new[]
        {
            "second handler, loop running: True",
            "first handler, loop running: True",
            "worker ended",
            "second resource",
            "first resource",
        }));
        Assert.That(Log.Messages.First(m => m.StartsWith("Received shutdown request", StringComparison.Ordinal)),
            Is.EqualTo($"Received shutdown request for \"alpha\" (\"{server.InstanceId}\")"));
    }

    [Test]
    public async Task Shutdown_RunsInAFreshShutdownContextOfTheServer_NeverTheCallers()
    {
        LoggingContext? seen = null;
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            s.RegisterShutdownHandler(() => seen = LoggingContext.Current);
            return Task.CompletedTask;
        });
        var request = new LoggingContext("GET-1", "alpha", server.Totals);

        using (request.Enter())
        {
            await server.ShutdownAsync();
            Assert.That(LoggingContext.Current, Is.SameAs(request));
        }

        Assert.That((seen!.Name, seen.ServerName), Is.EqualTo(("shutdown", "alpha")));
        Assert.That(seen.Parent, Is.SameAs(server.Totals), "not the caller's request");
    }

    [Test]
    public async Task FailingHandler_IsLogged_AndTheRestOfShutdownRuns()
    {
        var disposed = new ConcurrentQueue<string>();
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            s.RegisterForDispose(new Disposable(disposed, "pool"));
            s.RegisterShutdownHandler(() => disposed.Enqueue("earlier handler"));
            s.RegisterShutdownHandler(() => throw new InvalidOperationException("listener already closed"));
            return Task.CompletedTask;
        });

        await server.ShutdownAsync();

        Assert.That(disposed, Is.EqualTo(new[] { "earlier handler", "pool" }));
        Assert.That(Log.Events.Single(e => e.MessageTemplate.Text == "Error calling shutdown handler {Handler}").Exception!.Message,
            Is.EqualTo("listener already closed"));
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
    }

    [Test]
    public async Task StuckHandler_IsAbandonedAfterTheGracePeriod()
    {
        var handlerToken = CancellationToken.None;
        var later = 0;
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            s.RegisterShutdownHandler(() => later++);
            s.RegisterShutdownHandler(ct =>
            {
                handlerToken = ct;
                return new TaskCompletionSource().Task;   // never ends
            });
            return Task.CompletedTask;
        }, grace: TimeSpan.FromSeconds(5));

        var shutdown = server.ShutdownAsync();
        await DriveAsync(shutdown, TimeSpan.FromSeconds(1));

        Assert.That(handlerToken.IsCancellationRequested, "the handler's token is cancelled when the grace period ends");
        Assert.That(() => Volatile.Read(ref later), Is.EqualTo(1).After(10_000, 10), "the next handler still runs, started once the grace period is over, and not waited for");
        Assert.That(Log.Messages.Where(m => m.StartsWith("Abandoned", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "Abandoned \"shutdown handler ServerShutdownTests.StuckHandler_IsAbandonedAfterTheGracePeriod (lambda)\" still running after the shutdown grace period",
        }), "the stuck handler is named; the one that ran after the grace period is not waited for, nor called stuck");
        Assert.That(Time.GetUtcNow() - Time.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task AfterShutdown_SchedulingAndRegisteringThrow()
    {
        var server = await StartedServerAsync("alpha");

        await server.ShutdownAsync();

        Assert.Multiple(() =>
        {
            Assert.That(() => server.BackgroundProcesses.RunAsBackgroundProcess("late", _ => Task.CompletedTask), Throws.InvalidOperationException);
            Assert.That(() => server.Clock.CallLater(TimeSpan.FromSeconds(1), () => { }), Throws.InvalidOperationException);
            Assert.That(() => server.Clock.LoopingCall(TimeSpan.FromSeconds(1), () => { }), Throws.InvalidOperationException);
            Assert.That(() => server.RegisterShutdownHandler(() => { }), Throws.InvalidOperationException);
            Assert.That(() => server.RegisterForDispose(new Disposable(new ConcurrentQueue<string>(), "x")), Throws.InvalidOperationException);
        });
    }

    [Test]
    public async Task ConcurrentCalls_RunShutdownOnce()
    {
        var handlerRuns = 0;
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            s.RegisterShutdownHandler(() => Interlocked.Increment(ref handlerRuns));
            return Task.CompletedTask;
        });

        var calls = Enumerable.Range(0, 8).Select(_ => Task.Run(() => server.ShutdownAsync())).ToArray();
        await Task.WhenAll(calls);
        await server.ShutdownAsync();
        await server.DisposeAsync();

        Assert.That(handlerRuns, Is.EqualTo(1));
        Assert.That(Log.Messages.Count(m => m.StartsWith("Received shutdown request", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task ShutdownFromTheServersOwnCallbacks_DoesNotDeadlock_AndRunsOnce()
    {
        Task? fromHandler = null;
        Task? fromTimer = null;
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            s.RegisterShutdownHandler(async ct =>
            {
                fromHandler = s.ShutdownAsync();
                await fromHandler;                       // awaiting one's own shutdown returns at once
            });
            s.Clock.CallLater(TimeSpan.FromSeconds(1), () => fromTimer = s.ShutdownAsync());
            return Task.CompletedTask;
        }, grace: TimeSpan.FromSeconds(2));
        var go = new TaskCompletionSource();
        var fromProcess = new TaskCompletionSource<Task>();
        _ = server.BackgroundProcesses.RunAsBackgroundProcess("janitor", async ct =>
        {
            await go.Task;                               // still running when the timer's shutdown cancels it
            var shutdown = server.ShutdownAsync();
            fromProcess.SetResult(shutdown);
            await shutdown;                              // holds shutdown up for the grace period, no longer
        });

        Time.Advance(TimeSpan.FromSeconds(1));
        go.SetResult();
        var shutdowns = new[] { fromTimer!, await fromProcess.Task };
        await DriveAsync(Task.WhenAll(shutdowns), TimeSpan.FromMilliseconds(500));

        Assert.That(fromHandler!.IsCompletedSuccessfully);
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
        Assert.That(Log.Messages.Count(m => m.StartsWith("Received shutdown request", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task AfterAFullStart_NothingFiresAfterShutdown_AndTheServerIsCollectable()
    {
        var fired = new StrongBox<int>();

        var weak = await ShutDownAndForgetAsync(() => BusyServerAsync(fired));
        Time.Advance(TimeSpan.FromHours(1));

        Assert.That(fired.Value, Is.Zero, "no timer of the server fired after shutdown");
        await Collectable.AssertCollectedAsync(weak);
    }

    [Test]
    public async Task InTheMiddleOfRunningProcessesAndLoops_ShutdownCancelsThem_AndTheServerIsCollectable()
    {
        var fired = new StrongBox<int>();
        var before = 0;

        var weak = await ShutDownAndForgetAsync(async () =>
        {
            var server = await BusyServerAsync(fired);
            Time.Advance(TimeSpan.FromSeconds(30));     // loops and processes are mid-flight
            await WaitForAsync(() => Log.Messages.Count(m => m == "Polled") == 3);
            Assert.That(server.BackgroundProcesses.RunningCount, Is.EqualTo(3));
            before = fired.Value;
            return server;
        });
        Time.Advance(TimeSpan.FromHours(1));

        Assert.That(before, Is.EqualTo(6), "three loop runs and three polls before shutdown");
        Assert.That(fired.Value, Is.EqualTo(before));
        await Collectable.AssertCollectedAsync(weak);
    }

    [Test]
    public async Task AfterASetupThatThrewHalfWay_ShutdownReleasesWhatSetupAcquired()
    {
        var fired = new StrongBox<int>();
        var disposed = new ConcurrentQueue<string>();

        var weak = await ShutDownAndForgetAsync(() =>
        {
            var server = NewServer("alpha");
            server.Setup = (s, _) =>
            {
                s.Clock.LoopingCall(TimeSpan.FromSeconds(1), () => Interlocked.Increment(ref fired.Value));
                s.Clock.CallLater(TimeSpan.FromMinutes(1), () => Interlocked.Increment(ref fired.Value));
                s.BackgroundProcesses.RunAsBackgroundProcess("warm_cache", ct => s.Clock.SleepAsync(TimeSpan.FromHours(1), ct));
                s.RegisterForDispose(new Disposable(disposed, "pool"));
                throw new InvalidOperationException("second database unreachable");
            };
            Assert.That(() => server.SetupAsync(), Throws.InvalidOperationException);
            return Task.FromResult(server);
        });
        Time.Advance(TimeSpan.FromHours(2));

        Assert.That(fired.Value, Is.Zero);
        Assert.That(disposed, Is.EqualTo(new[] { "pool" }));
        await Collectable.AssertCollectedAsync(weak);
    }

    [Test]
    public async Task ShutdownDuringSetup_CancelsAndWaitsForIt()
    {
        var setupCancelled = new TaskCompletionSource<bool>();
        var server = NewServer("alpha");
        server.Setup = async (s, ct) =>
        {
            try
            {
                await s.Clock.SleepAsync(TimeSpan.FromHours(1), ct);
            }
            catch (OperationCanceledException)
            {
                setupCancelled.SetResult(true);
                throw;
            }
        };
        var setup = server.SetupAsync();

        await server.ShutdownAsync();

        Assert.That(await setupCancelled.Task);
        Assert.That(() => setup, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
    }

    private async Task<TestServer> StartedServerAsync(string name, Func<TestServer, CancellationToken, Task>? start = null, TimeSpan? grace = null)
    {
        var server = NewServer(name, grace);
        server.Start = start;
        await server.SetupAsync();
        await server.StartAsync();
        return server;
    }

    /// <summary>A started server with three loops and three processes that count every run in <paramref name="fired"/>.</summary>
    private async Task<TestServer> BusyServerAsync(StrongBox<int> fired)
    {
        var server = await StartedServerAsync("alpha", (s, _) =>
        {
            for (var i = 0; i < 3; i++)
            {
                s.Clock.LoopingCall(TimeSpan.FromSeconds(7), () => Interlocked.Increment(ref fired.Value));
                s.Clock.CallLater(TimeSpan.FromMinutes(10), () => Interlocked.Increment(ref fired.Value));
                s.BackgroundProcesses.RunAsBackgroundProcess("poll", async ct =>
                {
                    while (true)
                    {
                        await s.Clock.SleepAsync(TimeSpan.FromSeconds(5), ct);
                        Interlocked.Increment(ref fired.Value);
                        Serilog.Log.Information("Polled");
                    }
                });
            }

            return Task.CompletedTask;
        });
        using (new LoggingContext("GET-1", "alpha", server.Totals).Enter())
        {
            Serilog.Log.Information("Handled a request");
        }

        return server;
    }

    /// <summary>
    /// Builds a server, shuts it down and returns a weak reference to it. Everything that held the server lives in this
    /// method's frame, so nothing of the test's own keeps it reachable.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference[]> ShutDownAndForgetAsync(Func<Task<TestServer>> build)
    {
        var server = await build();
        await server.ShutdownAsync();
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
        var weak = Collectable.Track(server);
        server = null;
        return weak;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.That(condition(), "the condition did not hold within 5 s");
    }

    /// <summary>Advances fake time in steps until <paramref name="task"/> ends (the shutdown's waits run on pool threads).</summary>
    private async Task DriveAsync(Task task, TimeSpan step)
    {
        for (var i = 0; i < 1000 && !task.IsCompleted; i++)
        {
            Time.Advance(step);
            await Task.WhenAny(task, Task.Delay(5));
        }

        await task;
    }

    private sealed class Disposable(ConcurrentQueue<string> log, string name) : IDisposable, IAsyncDisposable
    {
        public void Dispose() => log.Enqueue(name);

        public ValueTask DisposeAsync()
        {
            log.Enqueue(name);
            return ValueTask.CompletedTask;
        }
    }
}
