using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Generators;

internal sealed class IndexingConfig : ServerConfig
{
}

/// <summary>A real <see cref="Server"/> subclass as the owner of generated members: the server is its own owner.</summary>
internal sealed partial class IndexingServer(IndexingConfig config, TimeProvider time, RunningSignal running) : Server(config, time, running)
{
    public LoggingContext? Reindexed { get; private set; }

    public LoggingContext? Received { get; private set; }

    [BackgroundProcess("reindex")]
    public async Task ReindexAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        Reindexed = LoggingContext.Current;
    }

    [ContextEntryPoint("on_message")]
    public void OnMessage(string message) => Received = LoggingContext.Current;
}

public sealed class ServerOwnerBehaviourTests : ContextCleanFixture
{
    [Test]
    public async Task GeneratedMembersOfAServerSubclass_RunInTheServersOwnContexts()
    {
        await using var server = new IndexingServer(new IndexingConfig { ServerName = "search.example" }, new FakeTimeProvider(), new RunningSignal());

        await server.ReindexInBackground();
        server.OnMessageEntryPoint("hello");

        Assert.Multiple(() =>
        {
            Assert.That((server.Reindexed!.Name, server.Reindexed.ServerName), Is.EqualTo(("reindex-0", "search.example")));
            Assert.That((server.Received!.Name, server.Received.ServerName), Is.EqualTo(("on_message", "search.example")));
        });
        await server.ShutdownAsync();
        Assert.That(() => server.ReindexInBackground(), Throws.InvalidOperationException, "the server's processes are shut down");
    }
}
