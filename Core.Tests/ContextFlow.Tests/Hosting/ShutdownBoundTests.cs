using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;

namespace ContextFlow.Tests.Hosting;

/// <summary>
/// The grace period bounds a shutdown whatever the server's code does, blocking its thread included: on real time,
/// since what is under test is a thread held by a call that does not return.
/// </summary>
/// <remarks>
/// The margins are generous against a loaded two-core machine and still far from what the defect costs: a shutdown
/// that waited for the blocked call would take the call's whole duration (3 s, 2 s, 5 s). Alone, these shutdowns take
/// 0.50–0.69 s and 1.01–1.08 s (docs/hosting.md); inside the whole suite one took 1.37 s, the pool busy with other
/// tests' work when the grace period's timer needed a thread.
/// </remarks>
public sealed class ShutdownBoundTests : ContextCleanFixture
{
    private static readonly TimeSpan HalfASecond = TimeSpan.FromMilliseconds(500);

    // What the blocking calls wait on: they hold their threads for their whole time unless the test is over, so a
    // test's abandoned calls do not go on holding pool threads through the next test (each one is abandoned by design).
    private static readonly ManualResetEventSlim s_testOver = new();

    private RunningSignal _signal = null!;

    [TearDown]
    public void ReleaseBlockedThreads() => s_testOver.Set();

    [SetUp]
    public void MarkRunning()
    {
        s_testOver.Reset();
        _signal = new RunningSignal();
        _signal.MarkRunning();
    }

    [Test]
    public async Task HandlerBlockingItsThread_IsAbandonedWhenTheGracePeriodEnds_AndNamed()
    {
        var server = await StartedServerAsync("alpha", HalfASecond);
        server.RegisterShutdownHandler(BlockThreeSeconds);
        var later = 0;
        server.RegisterShutdownHandler(() => Interlocked.Increment(ref later));

        var elapsed = await TimeAsync(server.ShutdownAsync());

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromMilliseconds(1500)), "the 3 s handler is waited for at most the 500 ms grace period");
        Assert.That(server.State, Is.EqualTo(ServerState.ShutDown));
        Assert.That(Volatile.Read(ref later), Is.EqualTo(1), "the handler registered before it ran first");
        Assert.That(Log.Messages, Has.Some.EqualTo(
            "Abandoned \"shutdown handler ShutdownBoundTests.BlockThreeSeconds\" still running after the shutdown grace period"));
    }

    [Test]
    public async Task HandlerFailingAfterItWasAbandoned_ItsErrorIsStillLogged()
    {
        var server = await StartedServerAsync("alpha", HalfASecond);
        using var abandoned = new ManualResetEventSlim();
        server.RegisterShutdownHandler(() =>
        {
            abandoned.Wait(TimeSpan.FromSeconds(30));
            throw new InvalidOperationException("failed after the grace period");
        });

        await server.ShutdownAsync();
        abandoned.Set();

        for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30) && !Log.Messages.Any(m => m.StartsWith("Error calling shutdown handler", StringComparison.Ordinal)); await Task.Delay(10))
        {
        }

        Assert.That(Log.Messages, Has.Some.StartsWith("Abandoned \"shutdown handler"));
        Assert.That(Log.Events.Where(e => e.Exception is InvalidOperationException { Message: "failed after the grace period" }), Is.Not.Empty,
            "a handler's failure is logged also when it comes after the shutdown stopped waiting for it");
    }

    [Test]
    public async Task LoopingCallBlockingItsThread_IsAbandonedWhenTheGracePeriodEnds_AndNamed()
    {
        var server = await StartedServerAsync("alpha", HalfASecond);
        using var running = new ManualResetEventSlim();
        server.Clock.LoopingCall(TimeSpan.FromMilliseconds(10), () =>
        {
            running.Set();
            Block(2000);
        });
        Assert.That(running.Wait(TimeSpan.FromSeconds(30)), "the loop ran");

        var elapsed = await TimeAsync(server.ShutdownAsync());

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromMilliseconds(1500)), "the 2 s run is waited for at most the 500 ms grace period");
        Assert.That(Log.Messages, Has.Some.Matches<string>(m =>
            m.StartsWith("Abandoned \"clock callbacks (looping call ShutdownBoundTests.LoopingCallBlockingItsThread", StringComparison.Ordinal)));
    }

    [Test]
    public async Task DisposalBlockingItsThread_IsAbandonedWhenTheGracePeriodEnds_AndNamed()
    {
        var server = await StartedServerAsync("alpha", HalfASecond);
        server.RegisterForDispose(new SlowToDispose());

        var elapsed = await TimeAsync(server.ShutdownAsync());

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromMilliseconds(1500)));
        Assert.That(Log.Messages, Has.Some.EqualTo("Abandoned \"disposal of SlowToDispose\" still running after the shutdown grace period"));
    }

    [Test]
    public async Task HostOfAHundred_OneHandlerBlockingFiveSeconds_StopsWithinItsOneSecondGrace()
    {
        var host = new ServerHost(_signal);
        await host.StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => host.ProvisionAsync(
            TestServer.Config($"s{i:00}", TimeSpan.FromSeconds(1)),
            (config, running) => new TestServer(config, TimeProvider.System, running))));
        host.Servers[42].RegisterShutdownHandler(() => Block(5000));

        var elapsed = await TimeAsync(host.ShutdownAsync());

        Assert.That(elapsed, Is.LessThan(TimeSpan.FromMilliseconds(2500)), "one stuck tenant holds the host up for its grace period, not for its handler");
        Assert.That(host.Servers, Is.Empty);
        Assert.That(Log.Messages.Count(m => m.StartsWith("Abandoned", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    private static void BlockThreeSeconds() => Block(3000);

    /// <summary>Blocks the calling thread for <paramref name="milliseconds"/>, or until the test is over.</summary>
    private static void Block(int milliseconds) => s_testOver.Wait(milliseconds);

    private static async Task<TimeSpan> TimeAsync(Task task)
    {
        var stopwatch = Stopwatch.StartNew();
        await task;
        TestContext.Out.WriteLine($"shutdown took {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        return stopwatch.Elapsed;
    }

    private async Task<TestServer> StartedServerAsync(string name, TimeSpan grace)
    {
        var server = new TestServer(TestServer.Config(name, grace), TimeProvider.System, _signal);
        await server.SetupAsync();
        await server.StartAsync();
        return server;
    }

    private sealed class SlowToDispose : IDisposable
    {
        public void Dispose() => Block(3000);
    }
}
