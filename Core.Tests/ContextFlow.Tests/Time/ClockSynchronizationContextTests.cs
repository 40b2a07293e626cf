using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Time;

/// <summary>
/// A callback starts without a synchronization context, and one it sets stays inside it: not on the thread that
/// advanced fake time, called LoopingCallNow or CallWhenRunning, or marked the process running.
/// </summary>
public sealed class ClockSynchronizationContextTests : FakeTimeFixture
{
    [Test]
    public void CallLater_CallbackSetsASynchronizationContext_AdvancingThreadKeepsItsOwn() =>
        OnCleanThread(() =>
        {
            Clock.CallLater(TimeSpan.FromSeconds(1), SetOne);
            Clock.CallLater(TimeSpan.FromSeconds(1), () =>
            {
                SetOne();
                return Task.CompletedTask;
            });
            Clock.LoopingCall(TimeSpan.FromSeconds(1), SetOne);
            Time.Advance(TimeSpan.FromSeconds(1));
        });

    [Test]
    public void LoopingCallNow_CallbackSetsASynchronizationContext_CallerKeepsItsOwn() =>
        OnCleanThread(() => Clock.LoopingCallNow(TimeSpan.FromSeconds(1), SetOne));

    [Test]
    public void CallWhenRunning_CallbackSetsASynchronizationContext_CallerAndSignallerKeepTheirOwn() =>
        OnCleanThread(() =>
        {
            Clock.CallWhenRunning(SetOne);
            Signal.MarkRunning();
            Clock.CallWhenRunning(SetOne);
        });

    [Test]
    public void Callbacks_StartWithoutTheCallersSynchronizationContext()
    {
        SynchronizationContext? seenInline = null, seenOnAdvance = null;
        var callers = new SynchronizationContext();
        RunWith(callers, () =>
        {
            Clock.LoopingCallNow(TimeSpan.FromHours(1), () => seenInline = SynchronizationContext.Current);
            Clock.CallLater(TimeSpan.FromSeconds(1), () => seenOnAdvance = SynchronizationContext.Current);
            Time.Advance(TimeSpan.FromSeconds(1));
            Assert.That(SynchronizationContext.Current, Is.SameAs(callers));
        });

        Assert.That((seenInline, seenOnAdvance), Is.EqualTo(((SynchronizationContext?)null, (SynchronizationContext?)null)));
    }

    private static void SetOne() => SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());

    // On a thread of its own, which starts with neither an execution context nor a synchronization context: the path
    // a pool thread or a test thread driving fake time takes.
    [ContextBoundary("Needs a thread that starts with no flowed context, as a runtime callback does")]
    private static void OnCleanThread(Action schedule)
    {
        SynchronizationContext? after = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                schedule();
                after = SynchronizationContext.Current;
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.UnsafeStart();
        thread.Join();

        Assert.That(failure, Is.Null);
        Assert.That(after, Is.Null, "a synchronization context set by a callback leaked to the thread that ran it");
    }

    private static void RunWith(SynchronizationContext context, Action action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
