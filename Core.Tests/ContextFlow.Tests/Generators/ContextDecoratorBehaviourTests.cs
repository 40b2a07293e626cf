using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.Generators;

[ContextDecorator]
internal interface IKeyStore
{
    int Put(string key);

    Task<string> GetAsync(string key);

    ValueTask FlushAsync();

    T Echo<T>(T value);

    string Name { get; }
}

/// <summary>Remembers the context each call ran in, and charges one database transaction per call.</summary>
internal sealed class RecordingKeyStore : IKeyStore
{
    public List<LoggingContext> Seen { get; } = new();

    public int Put(string key)
    {
        Charge();
        return key.Length;
    }

    public async Task<string> GetAsync(string key)
    {
        await Task.Yield();
        Charge();
        return key;
    }

    public async ValueTask FlushAsync()
    {
        await Task.Yield();
        Charge();
    }

    public T Echo<T>(T value)
    {
        Charge();
        return value;
    }

    public string Name
    {
        get
        {
            Charge();
            return "recording";
        }
    }

    private void Charge()
    {
        Seen.Add(LoggingContext.Current);
        LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(10));
    }
}

public sealed class ContextDecoratorBehaviourTests : ContextCleanFixture
{
    [Test]
    public void SyncCall_RunsInTheMembersContextUnderTheCaller()
    {
        var inner = new RecordingKeyStore();
        var store = new KeyStoreContextDecorator(inner);
        var caller = new LoggingContext("GET-1", "hs.example");

        using (caller.Enter())
        {
            Assert.That(store.Put("abc"), Is.EqualTo(3));
            Assert.That(LoggingContext.Current, Is.SameAs(caller));
        }

        var seen = inner.Seen.Single();
        Assert.Multiple(() =>
        {
            Assert.That(seen.Name, Is.EqualTo("IKeyStore.Put"));
            Assert.That(seen.Parent, Is.SameAs(caller));
            Assert.That(seen.ServerName, Is.EqualTo("hs.example"));
            Assert.That(caller.GetResourceUsage().DbTxnCount, Is.EqualTo(1), "usage rolls up into the caller");
        });
    }

    [Test]
    public async Task AsyncCalls_RunInTheMembersContextAndRestoreTheCaller()
    {
        var inner = new RecordingKeyStore();
        var store = new KeyStoreContextDecorator(inner);
        var caller = new LoggingContext("GET-1", "hs.example");

        using (caller.Enter())
        {
            Assert.That(await store.GetAsync("k"), Is.EqualTo("k"));
            Assert.That(LoggingContext.Current, Is.SameAs(caller));
            await store.FlushAsync();
            Assert.That(LoggingContext.Current, Is.SameAs(caller));
        }

        Assert.That(inner.Seen.Select(c => (c.Name, c.Parent)), Is.EqualTo(new[] { ("IKeyStore.GetAsync", caller), ("IKeyStore.FlushAsync", caller) }));
    }

    [Test]
    public void GenericMethodsAndProperties_AreWrappedToo()
    {
        var inner = new RecordingKeyStore();
        var store = new KeyStoreContextDecorator(inner);

        using (new LoggingContext("GET-1", "hs.example").Enter())
        {
            Assert.That(store.Echo(42), Is.EqualTo(42));
            Assert.That(store.Name, Is.EqualTo("recording"));
        }

        Assert.That(inner.Seen.Select(c => c.Name), Is.EqualTo(new[] { "IKeyStore.Echo", "IKeyStore.Name" }));
    }

    [Test]
    public void Call_RecordsBlockMetricsOnTheMeter()
    {
        using var metrics = new MetricsRecorder();
        var store = new KeyStoreContextDecorator(new RecordingKeyStore());

        using (new LoggingContext("GET-1", "hs.example").Enter())
        {
            store.Put("a");
            store.Put("b");
        }

        var counts = metrics.For("contextflow.block.count", "IKeyStore.Put");
        Assert.Multiple(() =>
        {
            Assert.That(counts.Select(m => m.Value), Is.EqualTo(new[] { 1.0, 1.0 }));
            Assert.That(counts.Select(m => m.Tag("server_name")), Is.All.EqualTo("hs.example"));
            Assert.That(metrics.For("contextflow.block.duration", "IKeyStore.Put"), Has.Count.EqualTo(2));
            Assert.That(metrics.For("contextflow.block.db_transactions", "IKeyStore.Put").Sum(m => m.Value), Is.EqualTo(2));
            Assert.That(metrics.For("contextflow.block.db_transaction_duration", "IKeyStore.Put").Sum(m => m.Value), Is.EqualTo(0.02).Within(1e-9));
        });
    }

    [Test]
    public void CallFromTheSentinel_WarnsThatMetricsWillBeLost()
    {
        var inner = new RecordingKeyStore();
        var store = new KeyStoreContextDecorator(inner);

        store.Put("a");

        Assert.Multiple(() =>
        {
            Assert.That(inner.Seen.Single().Name, Is.EqualTo("IKeyStore.Put"));
            Assert.That(inner.Seen.Single().Parent, Is.Null);
            Assert.That(Log.Messages, Has.One.EqualTo("Starting metrics collection \"IKeyStore.Put\" from sentinel context: metrics will be lost"));
        });
    }

    [Test]
    public void Constructor_RejectsANullInner()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new KeyStoreContextDecorator(null!));
    }
}
