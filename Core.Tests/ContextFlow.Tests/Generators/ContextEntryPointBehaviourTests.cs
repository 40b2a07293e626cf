using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Generators;

internal sealed partial class MessageListener
{
    private readonly Clock _clock;

    public MessageListener(Clock clock) => _clock = clock;

    public ConcurrentQueue<LoggingContext> Seen { get; } = new();

    [ContextEntryPoint("on_message")]
    public void OnMessage(string message) => Seen.Enqueue(LoggingContext.Current);

    [ContextEntryPoint("fetch")]
    public async Task<int> FetchAsync(int id)
    {
        await Task.Yield();
        Seen.Enqueue(LoggingContext.Current);
        return id * 2;
    }
}

internal sealed partial class PrimaryConstructorListener(Clock clock)
{
    public LoggingContext? Seen { get; private set; }

    [ContextEntryPoint("on_tick")]
    public void OnTick() => Seen = LoggingContext.Current;
}

public sealed class ContextEntryPointBehaviourTests : ContextCleanFixture
{
    private readonly Clock _clock = new(new FakeTimeProvider(), "hs.example");

    [Test]
    public void FromARawThread_RunsInTheNamedContextOfTheServer()
    {
        var listener = new MessageListener(_clock);
        LoggingContext? before = null;
        LoggingContext? after = null;
        var thread = new Thread(() =>
        {
            before = LoggingContext.Current;
            listener.OnMessageEntryPoint("hello");
            after = LoggingContext.Current;
        });

        thread.Start();
        thread.Join();

        var seen = listener.Seen.Single();
        Assert.Multiple(() =>
        {
            Assert.That(before!.IsSentinel, Is.True, "a raw thread starts in the sentinel");
            Assert.That(seen.Name, Is.EqualTo("on_message"));
            Assert.That(seen.ServerName, Is.EqualTo("hs.example"));
            Assert.That(seen.Parent, Is.Null);
            Assert.That(seen.IsFinished, Is.True);
            Assert.That(after!.IsSentinel, Is.True, "the thread is left in the sentinel");
        });
    }

    [Test]
    public void FromInsideAnotherContext_RunsInAFreshContextAndRestoresTheCaller()
    {
        var listener = new MessageListener(_clock);
        var request = new LoggingContext("GET-1", "other.example");

        using (request.Enter())
        {
            listener.OnMessageEntryPoint("hello");
            Assert.That(LoggingContext.Current, Is.SameAs(request));
        }

        var seen = listener.Seen.Single();
        Assert.Multiple(() =>
        {
            Assert.That(seen.Name, Is.EqualTo("on_message"));
            Assert.That(seen.ServerName, Is.EqualTo("hs.example"));
            Assert.That(seen.Parent, Is.Null, "the caller's context is not the parent");
        });
    }

    [Test]
    public async Task AsyncMethod_RunsInTheNamedContextUntilItCompletes()
    {
        var listener = new MessageListener(_clock);

        var result = await Task.Run(() => listener.FetchEntryPoint(21));

        var seen = listener.Seen.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(42));
            Assert.That(seen.Name, Is.EqualTo("fetch"));
            Assert.That(seen.ServerName, Is.EqualTo("hs.example"));
            Assert.That(LoggingContext.Current.IsSentinel, Is.True);
        });
    }

    [Test]
    public void PrimaryConstructorClock_IsTheOwner()
    {
        var listener = new PrimaryConstructorListener(_clock);

        listener.OnTickEntryPoint();

        Assert.That(listener.Seen, Is.Not.Null);
        Assert.That((listener.Seen!.Name, listener.Seen.ServerName), Is.EqualTo(("on_tick", "hs.example")));
    }

    [Test]
    public void EachCall_GetsItsOwnContext()
    {
        var listener = new MessageListener(_clock);

        listener.OnMessageEntryPoint("one");
        listener.OnMessageEntryPoint("two");

        Assert.That(listener.Seen.Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void TwoReads_GiveEqualDelegates_SoUnsubscribingWorks()
    {
        var listener = new MessageListener(_clock);

        var subscribed = listener.OnMessageEntryPoint;
        var unsubscribed = listener.OnMessageEntryPoint;

        Assert.That(unsubscribed, Is.EqualTo(subscribed));
    }
}
