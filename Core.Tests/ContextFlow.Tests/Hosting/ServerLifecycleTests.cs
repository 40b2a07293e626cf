using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Hosting;

/// <summary>Create → setup → start: what each step runs in, when it runs, and what happens when it fails.</summary>
public sealed class ServerLifecycleTests : HostingFixture
{

    [Test]
    public void Constructor_SchedulesNothing_AndOwnsOneClockAndOneSetOfProcesses()
    {
        var server = NewServer("alpha");

        Assert.That(server.State, Is.EqualTo(ServerState.Created));
        Assert.That((server.Clock.ServerName, server.BackgroundProcesses.ServerName, server.Totals.ServerName),
            Is.EqualTo(("alpha", "alpha", "alpha")));
        Assert.That((server.Clock.TrackedDelayedCallCount, server.Clock.TrackedLoopingCallCount), Is.EqualTo((0, 0)));
        Assert.That(server.Totals.Parent, Is.Null);
        Assert.That(server.InstanceId, Has.Length.EqualTo(5));
    }

    [Test]
    public void ShutdownGracePeriod_IsTheConfigurationsOwn()
    {
        Assert.That(NewServer("alpha", grace: TimeSpan.FromMilliseconds(1500)).ShutdownGracePeriod, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
        Assert.That(NewServer("beta", grace: Timeout.InfiniteTimeSpan).ShutdownGracePeriod, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [Test]
    public async Task Setup_RunsInASetupContextOfTheServer_UnderItsTotals()
    {
        var server = NewServer("alpha");
        server.Setup = (s, _) =>
        {
            LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(3));
            return Task.CompletedTask;
        };

        using (new LoggingContext("caller", "other").Enter())
        {
            await server.SetupAsync();
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("caller"), "the caller's context is unchanged");
        }

        Assert.That(server.SetupContext!.Name, Is.EqualTo("setup"));
        Assert.That(server.SetupContext.ServerName, Is.EqualTo("alpha"));
        Assert.That(server.SetupContext.Parent, Is.SameAs(server.Totals));
        Assert.That(server.Totals.GetResourceUsage().DbTxnCount, Is.EqualTo(1));
        Assert.That(server.State, Is.EqualTo(ServerState.SetUp));
        await server.ShutdownAsync();
    }

    [Test]
    public async Task Start_WaitsForTheProcessToRun_ThenRunsInACallWhenRunningContext()
    {
        var server = NewServer("alpha");
        await server.SetupAsync();

        var started = server.StartAsync();
        Assert.That(server.State, Is.EqualTo(ServerState.Starting));
        Assert.That(server.StartContext, Is.Null, "the start waits for the process to run");

        Signal.MarkRunning();
        await started;

        Assert.That(server.State, Is.EqualTo(ServerState.Running));
        Assert.That((server.StartContext!.Name, server.StartContext.ServerName), Is.EqualTo(("call_when_running", "alpha")));
        await server.ShutdownAsync();
    }

    [Test]
    public async Task Start_InARunningProcess_RunsAtOnce()
    {
        Signal.MarkRunning();
        var server = NewServer("alpha");
        await server.SetupAsync();

        await server.StartAsync();

        Assert.That(server.State, Is.EqualTo(ServerState.Running));
        await server.ShutdownAsync();
    }

    [Test]
    public async Task FailingStart_IsLoggedAndSurfaces_AndShutdownStillCleansUp()
    {
        Signal.MarkRunning();
        var server = NewServer("alpha");
        server.Start = (s, _) =>
        {
            s.Clock.LoopingCall(TimeSpan.FromSeconds(1), () => Assert.Fail("the loop of a shut-down server ran"));
            throw new InvalidOperationException("port in use");
        };
        await server.SetupAsync();

        Assert.That(() => server.StartAsync(), Throws.InvalidOperationException.With.Message.EqualTo("port in use"));
        Assert.That(server.State, Is.EqualTo(ServerState.Failed));
        Assert.That(Log.Messages, Has.Some.StartsWith("Error during startup of server"));

        await server.ShutdownAsync();
        Time.Advance(TimeSpan.FromHours(1));
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
    }

    [Test]
    public async Task FailingSetup_LeavesTheServerFailed_AndTheCallerCanShutItDown()
    {
        var server = NewServer("alpha");
        server.Setup = (_, _) => throw new InvalidOperationException("database unreachable");

        Assert.That(() => server.SetupAsync(), Throws.InvalidOperationException.With.Message.EqualTo("database unreachable"));
        Assert.That(server.State, Is.EqualTo(ServerState.Failed));
        Assert.That(Log.Messages, Has.Some.StartsWith("Exception during setup of server"));
        Assert.That(() => server.StartAsync(), Throws.InvalidOperationException);

        await server.ShutdownAsync();
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
    }

    [Test]
    public async Task StepsOutOfOrder_Throw()
    {
        var server = NewServer("alpha");
        Assert.That(() => server.StartAsync(), Throws.InvalidOperationException.With.Message.Contains("Created, not SetUp"));
        await server.SetupAsync();
        Assert.That(() => server.SetupAsync(), Throws.InvalidOperationException);
        await server.ShutdownAsync();
        Assert.That(() => server.SetupAsync(), Throws.InvalidOperationException);
        Assert.That(() => server.StartAsync(), Throws.InvalidOperationException);
    }

    [Test]
    public async Task CancellingAWaitingStart_EndsItCancelled_AndTheStartNeverRuns()
    {
        var server = NewServer("alpha");
        await server.SetupAsync();
        using var cancel = new CancellationTokenSource();

        var started = server.StartAsync(cancel.Token);
        await cancel.CancelAsync();
        Signal.MarkRunning();

        Assert.That(() => started, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(server.StartContext, Is.Null);
        Assert.That(server.State, Is.EqualTo(ServerState.Failed));
        await server.ShutdownAsync();
    }

    [Test]
    public async Task ShutdownBeforeTheProcessRuns_CancelsTheWaitingStart_AndDropsItFromTheSignal()
    {
        var server = NewServer("alpha");
        await server.SetupAsync();
        var started = server.StartAsync();

        await server.ShutdownAsync();
        Signal.MarkRunning();

        Assert.That(() => started, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(server.StartContext, Is.Null);
    }
}
