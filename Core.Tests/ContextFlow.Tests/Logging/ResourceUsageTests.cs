using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.Logging;

public sealed class ResourceUsageTests : ContextCleanFixture
{
    [Test]
    public void Usage_RollsUpToEveryAncestorImmediately()
    {
        var root = new LoggingContext("root", "hs");
        var child = root.CreateNested("child");
        var grandchild = child.CreateNested("grandchild");

        grandchild.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(5));
        grandchild.RecordDatabaseScheduled(TimeSpan.FromMilliseconds(2));
        grandchild.RecordRowsFetched(7);
        child.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(1));

        var expectedLeaf = new ResourceUsage(TimeSpan.Zero, 1, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(2), 7);
        var expectedAbove = new ResourceUsage(TimeSpan.Zero, 2, TimeSpan.FromMilliseconds(6), TimeSpan.FromMilliseconds(2), 7);
        Assert.Multiple(() =>
        {
            Assert.That(grandchild.GetResourceUsage(), Is.EqualTo(expectedLeaf));
            Assert.That(child.GetResourceUsage(), Is.EqualTo(expectedAbove));
            Assert.That(root.GetResourceUsage(), Is.EqualTo(expectedAbove));
        });
    }

    [Test]
    public void GetResourceUsage_ReturnsACopy()
    {
        var context = new LoggingContext("ctx", "hs");
        var before = context.GetResourceUsage();

        context.RecordRowsFetched(3);

        Assert.That(before.RowsFetched, Is.Zero);
        Assert.That(context.GetResourceUsage().RowsFetched, Is.EqualTo(3));
        Assert.That(context.GetResourceUsage() - before, Is.EqualTo(new ResourceUsage(TimeSpan.Zero, 0, TimeSpan.Zero, TimeSpan.Zero, 3)));
    }

    [Test]
    public void Record_RejectsNegativeAmounts()
    {
        var context = new LoggingContext("ctx", "hs");

        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => context.RecordDatabaseTransaction(TimeSpan.FromTicks(-1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => context.RecordDatabaseScheduled(TimeSpan.FromTicks(-1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => context.RecordRowsFetched(-1));
        });
        Assert.That(context.GetResourceUsage(), Is.EqualTo(default(ResourceUsage)));
    }

    [Test]
    public async Task RollUp_UnderConcurrency_IsExact()
    {
        var parent = new LoggingContext("parent", "hs");
        var children = Enumerable.Range(0, 8).Select(i => parent.CreateNested($"child{i}")).ToArray();
        using var start = new ManualResetEventSlim();

        var workers = children.Select(child => Task.Run(() =>
        {
            start.Wait();
            using (child.Enter())
            {
                for (var i = 0; i < 10_000; i++)
                {
                    LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromTicks(1));
                }
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        Assert.That(parent.GetResourceUsage().DbTxnCount, Is.EqualTo(80_000));
        Assert.That(parent.GetResourceUsage().DbTxnDuration, Is.EqualTo(TimeSpan.FromTicks(80_000)));
        Assert.That(children.Select(c => c.GetResourceUsage().DbTxnCount), Has.All.EqualTo(10_000));
    }

    [Test]
    public async Task CpuTime_TwoConcurrentChildren_ReachTheParent()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsWindows(), "per-thread CPU clocks exist on Linux and Windows");
        LoggingContext.TrackCpuTime = true;
        var parent = new LoggingContext("parent", "hs");
        var children = new[] { parent.CreateNested("a"), parent.CreateNested("b") };

        await Task.WhenAll(children.Select(child => Task.Run(() =>
        {
            using (child.Enter())
            {
                CpuBurn.For(TimeSpan.FromMilliseconds(100));
            }
        })));

        // Summed in ticks: summing doubles of milliseconds can round the children's total above the parent's.
        var childTotal = TimeSpan.FromTicks(children.Sum(c => c.GetResourceUsage().CpuTime.Ticks));
        Assert.That(childTotal.TotalMilliseconds, Is.GreaterThanOrEqualTo(150));
        Assert.That(parent.GetResourceUsage().CpuTime, Is.GreaterThanOrEqualTo(childTotal));
    }

    [Test]
    public async Task CpuTime_WhenTrackingIsOff_IsZero()
    {
        var parent = new LoggingContext("parent", "hs");
        var children = new[] { parent.CreateNested("a"), parent.CreateNested("b") };

        await Task.WhenAll(children.Select(child => Task.Run(() =>
        {
            using (child.Enter())
            {
                CpuBurn.For(TimeSpan.FromMilliseconds(100));
            }
        })));

        Assert.That(parent.GetResourceUsage().CpuTime, Is.EqualTo(TimeSpan.Zero));
        Assert.That(children.Select(c => c.GetResourceUsage().CpuTime), Has.All.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void CpuTime_InFlight_IsIncludedWhileCurrentOnThisThread()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsWindows());
        LoggingContext.TrackCpuTime = true;
        var context = new LoggingContext("busy", "hs");

        using (context.Enter())
        {
            CpuBurn.For(TimeSpan.FromMilliseconds(60));
            Assert.That(context.GetResourceUsage().CpuTime.TotalMilliseconds, Is.GreaterThanOrEqualTo(40));
        }
    }

    [Test]
    public void CpuTime_NegativeDelta_IsClampedAndReported()
    {
        var context = new LoggingContext("ctx", "hs");

        CpuTracker.Charge(context, -1);

        Assert.That(context.GetResourceUsage().CpuTime, Is.EqualTo(TimeSpan.Zero));
        Assert.That(Log.Messages, Has.One.Contains("CPU time went backwards"));
    }

}
