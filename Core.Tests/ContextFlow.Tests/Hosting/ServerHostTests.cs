using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Hosting;

/// <summary>Provisioning and deprovisioning servers one at a time, starting the process, and shutting everything down.</summary>
public sealed class ServerHostTests : HostingFixture
{
    private ServerHost _host = null!;

    [SetUp]
    public void CreateHost() => _host = new ServerHost(Signal);

    [TearDown]
    public async Task ShutDownHost() => await _host.DisposeAsync();

    [Test]
    public async Task ProvisionBeforeStart_SetsUpAtOnce_AndStartsWithTheHost()
    {
        var server = await ProvisionAsync("alpha");
        Assert.That(server.State, Is.EqualTo(ServerState.SetUp));
        Assert.That(_host.Servers, Is.EqualTo(new[] { server }));

        await _host.StartAsync();

        Assert.That(server.State, Is.EqualTo(ServerState.Running));
        Assert.That(Signal.IsRunning);
    }

    [Test]
    public async Task ProvisionIntoARunningHost_StartsAtOnce()
    {
        await _host.StartAsync();

        var server = await ProvisionAsync("alpha");

        Assert.That(server.State, Is.EqualTo(ServerState.Running));
        Assert.That(_host.TryGetServer("alpha", out var found) && ReferenceEquals(found, server));
    }

    [Test]
    public async Task Deprovision_ShutsOneServerDown_AndTheOthersKeepServing()
    {
        await _host.StartAsync();
        var alpha = await ProvisionAsync("alpha");
        var beta = await ProvisionAsync("beta");
        var shutDown = new ConcurrentQueue<string>();
        _host.ServerShutDown += (_, e) => shutDown.Enqueue(e.Server.ServerName);

        Assert.That(await _host.DeprovisionAsync("alpha"), Is.True);
        Assert.That(await _host.DeprovisionAsync("alpha"), Is.False);

        Assert.That(alpha.State, Is.EqualTo(ServerState.ShutDown));
        Assert.That(beta.State, Is.EqualTo(ServerState.Running));
        Assert.That(_host.Servers, Is.EqualTo(new[] { beta }));
        Assert.That(shutDown, Is.EqualTo(new[] { "alpha" }));
    }

    [Test]
    public async Task ProvisionedEvent_FiresOncePerServer()
    {
        var provisioned = new ConcurrentQueue<string>();
        _host.ServerProvisioned += (_, e) => provisioned.Enqueue(e.Server.ServerName);

        await ProvisionAsync("alpha");
        await ProvisionAsync("beta");

        Assert.That(provisioned, Is.EqualTo(new[] { "alpha", "beta" }));
    }

    [Test]
    public async Task DuplicateName_IsRefused_AndNothingIsBuilt()
    {
        await ProvisionAsync("alpha");
        var built = 0;

        var error = Assert.ThrowsAsync<ServerAlreadyHostedException>(() => _host.ProvisionAsync(TestServer.Config("alpha"), (c, _) =>
        {
            built++;
            return new TestServer(c, Time, Signal);
        }));

        Assert.That(error!.ServerName, Is.EqualTo("alpha"));
        Assert.That(built, Is.Zero);
        Assert.That(_host.Servers, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ConcurrentProvisionsOfOneName_OneWins()
    {
        var gate = new TaskCompletionSource();
        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return await _host.ProvisionAsync(TestServer.Config("alpha"), (c, _) => new TestServer(c, Time, Signal));
        })).ToArray();

        gate.SetResult();
        await Task.WhenAll(attempts.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.That(attempts.Count(a => a.IsCompletedSuccessfully), Is.EqualTo(1));
        Assert.That(attempts.Where(a => a.IsFaulted).Select(a => a.Exception!.InnerException), Is.All.TypeOf<ServerAlreadyHostedException>());
        Assert.That(_host.Servers, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task FailingSetupBetweenTwoHealthyServers_IsReported_TheOthersKeepRunning_AndItIsCollectable()
    {
        await _host.StartAsync();
        var alpha = await ProvisionAsync("alpha");

        var weak = await FailToProvisionAsync(_host, Time, Signal);
        var gamma = await ProvisionAsync("gamma");

        Assert.That(_host.Servers, Is.EqualTo(new[] { alpha, gamma }));
        Assert.That((alpha.State, gamma.State), Is.EqualTo((ServerState.Running, ServerState.Running)));
        Assert.That(Log.Events.Any(e => e.RenderMessage() == "Exception during setup of server \"beta\"" && e.Exception?.Message == "disk full"));
        await Collectable.AssertCollectedAsync(weak);
    }

    [Test]
    public async Task FailingStartWhenTheHostStarts_ShutsThatServerDown_AndReportsIt()
    {
        var alpha = await ProvisionAsync("alpha");
        var broken = await ProvisionAsync("broken", start: (_, _) => throw new InvalidOperationException("port in use"));

        var error = Assert.ThrowsAsync<AggregateException>(() => _host.StartAsync());

        Assert.That(error!.InnerExceptions.Single().Message, Is.EqualTo("port in use"));
        Assert.That(broken.State, Is.EqualTo(ServerState.ShutDown));
        Assert.That(alpha.State, Is.EqualTo(ServerState.Running));
        Assert.That(_host.Servers, Is.EqualTo(new[] { alpha }));
    }

    [Test]
    public async Task FailingStartInARunningHost_ReachesTheCaller_AndLeavesNothing()
    {
        await _host.StartAsync();

        Assert.That(() => ProvisionAsync("broken", start: (_, _) => throw new InvalidOperationException("port in use")),
            Throws.InvalidOperationException.With.Message.EqualTo("port in use"));

        Assert.That(_host.Servers, Is.Empty);
        Assert.That(await ProvisionAsync("broken"), Is.Not.Null, "the name is free again");
    }

    [Test]
    public async Task CancelledProvisioning_ShutsTheHalfProvisionedServerDown()
    {
        using var cancel = new CancellationTokenSource();
        TestServer? built = null;

        Assert.That(() => _host.ProvisionAsync(TestServer.Config("alpha"), (c, _) => built = new TestServer(c, Time, Signal)
        {
            Setup = async (_, ct) =>
            {
                await cancel.CancelAsync();
                ct.ThrowIfCancellationRequested();
            },
        }, cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(built!.State, Is.EqualTo(ServerState.ShutDown));
        Assert.That(_host.Servers, Is.Empty);
    }

    [Test]
    public void FactoryBreakingItsContract_IsRefused()
    {
        Assert.That(() => _host.ProvisionAsync(TestServer.Config("alpha"), (c, _) => new TestServer(TestServer.Config("beta"), Time, Signal)),
            Throws.InvalidOperationException.With.Message.Contains("built server beta"));
        Assert.That(() => _host.ProvisionAsync(TestServer.Config("alpha"), (c, _) => (TestServer)null!),
            Throws.InvalidOperationException.With.Message.Contains("returned null"));
        Assert.That(_host.Servers, Is.Empty);
    }

    [Test]
    public async Task ServerShuttingItselfDown_LeavesTheHost()
    {
        await _host.StartAsync();
        var alpha = await ProvisionAsync("alpha");

        await alpha.ShutdownAsync();

        Assert.That(_host.Servers, Is.Empty);
        Assert.That(_host.TryGetServer("alpha", out _), Is.False);
    }

    [Test]
    public async Task Shutdown_ShutsEveryServerDown_AndRefusesNewOnes()
    {
        await _host.StartAsync();
        var servers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ProvisionAsync($"s{i}")));

        await _host.ShutdownAsync();
        await _host.DisposeAsync();

        Assert.That(servers.Select(s => s.State), Is.All.EqualTo(ServerState.ShutDown));
        Assert.That(_host.Servers, Is.Empty);
        Assert.That(() => ProvisionAsync("late"), Throws.InvalidOperationException.With.Message.Contains("host has been shut down"));
        Assert.That(() => _host.StartAsync(), Throws.InvalidOperationException);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference[]> FailToProvisionAsync(ServerHost host, FakeTimeProvider time, RunningSignal signal)
    {
        TestServer? failed = null;
        Assert.That(() => host.ProvisionAsync(TestServer.Config("beta"), (c, _) => failed = new TestServer(c, time, signal)
        {
            Setup = (s, _) =>
            {
                s.Clock.LoopingCall(TimeSpan.FromSeconds(1), () => { });
                throw new InvalidOperationException("disk full");
            },
        }), Throws.InvalidOperationException.With.Message.EqualTo("disk full"));
        Assert.That(failed!.State, Is.EqualTo(ServerState.ShutDown));
        var weak = Collectable.Track(failed);
        failed = null;
        return weak;
    }

    private Task<TestServer> ProvisionAsync(string name, Func<TestServer, CancellationToken, Task>? start = null) =>
        _host.ProvisionAsync(TestServer.Config(name), (c, _) => new TestServer(c, Time, Signal) { Start = start });
}
