using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Background;

/// <summary>
/// <see cref="BackgroundProcesses.ShutdownAsync"/> keeps its grace period whatever the processes' cancellation paths
/// do, and <see cref="Timeout.InfiniteTimeSpan"/> or <see cref="TimeSpan.MaxValue"/> wait for every process.
/// </summary>
public sealed class BackgroundShutdownGraceTests : ContextCleanFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(200);

    [Test]
    public async Task ShutdownAsync_CancellationBlocks_ReturnsAtOnce_EndsAfterTheGrace_LogsTheProcessByName()
    {
        var time = new FakeTimeProvider();
        var clock = new Clock(time, "hs", new RunningSignal());
        var processes = new BackgroundProcesses(clock);
        using var release = new ManualResetEventSlim();
        using var blocking = new ManualResetEventSlim();
        var callbackReturned = 0;
        _ = processes.RunAsBackgroundProcess("stuck", ct =>
        {
            ct.Register(() =>
            {
                blocking.Set();
                release.Wait(TimeSpan.FromSeconds(3));
                Volatile.Write(ref callbackReturned, 1);
            });
            return Task.Delay(Timeout.Infinite, CancellationToken.None);
        });

        var shutdown = processes.ShutdownAsync(Grace);
        var returnedBeforeTheCallback = Volatile.Read(ref callbackReturned) == 0;
        Assert.That(blocking.Wait(Patience), "the process's cancellation callback runs");
        Assert.That(shutdown.IsCompleted, Is.False, "the grace period has not passed");

        time.Advance(Grace);
        await shutdown.WaitAsync(Patience);
        var endedBeforeTheCallback = Volatile.Read(ref callbackReturned) == 0;
        release.Set();

        Assert.Multiple(() =>
        {
            Assert.That(returnedBeforeTheCallback, "the call returned at once, without waiting for the blocking cancellation callback");
            Assert.That(endedBeforeTheCallback, "the shutdown task ended after the grace period, while the callback still blocked");
            Assert.That(Log.Messages, Has.Some.Contains("still running after the shutdown grace period").And.Contains("stuck-0"));
        });
        clock.Shutdown();
    }

    [Test]
    public async Task SystemTime_CancellationBlocksThreeSeconds_GraceOf200Ms_CallReturnsAtOnce_TaskEndsWhileStillBlocked()
    {
        var clock = new Clock(TimeProvider.System, "hs", new RunningSignal());
        await new BackgroundProcesses(clock).ShutdownAsync(TimeSpan.Zero);  // the first call in a process pays for JIT
        var processes = new BackgroundProcesses(clock);
        using var release = new ManualResetEventSlim();
        var callbackReturned = 0;
        _ = processes.RunAsBackgroundProcess("stuck", ct =>
        {
            ct.Register(() =>
            {
                release.Wait(TimeSpan.FromSeconds(3));
                Volatile.Write(ref callbackReturned, 1);
            });
            return Task.Delay(Timeout.Infinite, CancellationToken.None);
        });

        var watch = Stopwatch.StartNew();
        var shutdown = processes.ShutdownAsync(Grace);
        var returnedAfter = watch.Elapsed;
        await shutdown.WaitAsync(Patience);
        var endedAfter = watch.Elapsed;
        var endedWhileBlocked = Volatile.Read(ref callbackReturned) == 0;
        release.Set();

        TestContext.Out.WriteLine($"ShutdownAsync(200 ms) returned after {returnedAfter.TotalMilliseconds:F1} ms, its task ended after {endedAfter.TotalMilliseconds:F1} ms");
        Assert.That(endedWhileBlocked, "the task ended while the cancellation callback was still blocking");
        Assert.That(Log.Messages, Has.Some.Contains("stuck-0"));
        clock.Shutdown();
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task ShutdownAsync_InfiniteOrMaxValue_WaitsForTheProcess(bool maxValue)
    {
        var time = new FakeTimeProvider();
        var clock = new Clock(time, "hs", new RunningSignal());
        var processes = new BackgroundProcesses(clock);
        var finish = new TaskCompletionSource();
        var process = processes.RunAsBackgroundProcess("slow", _ => finish.Task);

        var shutdown = processes.ShutdownAsync(maxValue ? TimeSpan.MaxValue : Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromDays(100));
        Assert.That(shutdown.IsCompleted, Is.False, "shutdown must wait for the process");

        finish.SetResult();
        await shutdown.WaitAsync(Patience);
        Assert.That(process.IsCompleted);
        Assert.That(Log.Messages, Has.None.Contains("ArgumentOutOfRange").And.None.Contains("still running"));
        clock.Shutdown();
    }

    [Test]
    public async Task ShutdownAsync_AfterTheClockShutDown_StillKeepsItsGrace()
    {
        var time = new FakeTimeProvider();
        var clock = new Clock(time, "hs", new RunningSignal());
        var processes = new BackgroundProcesses(clock);
        var never = new TaskCompletionSource();
        _ = processes.RunAsBackgroundProcess("stubborn", _ => never.Task);

        clock.Shutdown();
        var shutdown = processes.ShutdownAsync(TimeSpan.FromSeconds(5));
        Assert.That(shutdown.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(5));
        await shutdown.WaitAsync(Patience);
        never.SetResult();
    }

    [Test]
    public void ShutdownAsync_NegativeGrace_IsRejected()
    {
        var clock = new Clock(new FakeTimeProvider(), "hs", new RunningSignal());
        var processes = new BackgroundProcesses(clock);

        Assert.That(() => processes.ShutdownAsync(TimeSpan.FromMilliseconds(-2)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
