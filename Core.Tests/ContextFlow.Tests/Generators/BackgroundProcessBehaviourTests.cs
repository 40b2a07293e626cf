using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Generators;

internal sealed partial class Pruner
{
    private readonly BackgroundProcesses _processes;

    public Pruner(BackgroundProcesses processes) => _processes = processes;

    public ConcurrentQueue<(LoggingContext Context, int BatchSize)> Seen { get; } = new();

    public TaskCompletionSource<CancellationToken> Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [BackgroundProcess("prune")]
    public async Task PruneAsync(int batchSize, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Seen.Enqueue((LoggingContext.Current, batchSize));
    }

    [BackgroundProcess("count")]
    public ValueTask<int> CountAsync()
    {
        Seen.Enqueue((LoggingContext.Current, 0));
        return new ValueTask<int>(7);
    }

    [BackgroundProcess("wait_for_shutdown")]
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => cancelled.TrySetResult()))
        {
            Waiting.TrySetResult(cancellationToken);
            await cancelled.Task;
        }
    }
}

public sealed class BackgroundProcessBehaviourTests : ContextCleanFixture
{
    private readonly Clock _clock = new(new FakeTimeProvider(), "hs.example");

    [Test]
    public async Task InBackground_RunsInDescZeroOfTheServerWithNoParent()
    {
        var processes = new BackgroundProcesses(_clock);
        var pruner = new Pruner(processes);
        var request = new LoggingContext("GET-1", "hs.example");

        using (request.Enter())
        {
            await pruner.PruneInBackground(100);
            Assert.That(LoggingContext.Current, Is.SameAs(request));
        }

        var (context, batchSize) = pruner.Seen.Single();
        Assert.Multiple(() =>
        {
            Assert.That(context.Name, Is.EqualTo("prune-0"));
            Assert.That(context.ServerName, Is.EqualTo("hs.example"));
            Assert.That(context.Parent, Is.Null);
            Assert.That(batchSize, Is.EqualTo(100));
        });
    }

    [Test]
    public async Task EachLaunch_CountsUpPerDescription()
    {
        var pruner = new Pruner(new BackgroundProcesses(_clock));

        await pruner.PruneInBackground(1);
        await pruner.PruneInBackground(2);
        await pruner.CountInBackground();

        Assert.That(pruner.Seen.Select(s => s.Context.Name), Is.EquivalentTo(new[] { "prune-0", "prune-1", "count-0" }));
    }

    [Test]
    public async Task TheMethodsToken_IsCancelledByShutdown()
    {
        var processes = new BackgroundProcesses(_clock);
        var pruner = new Pruner(processes);

        var running = pruner.WaitForShutdownInBackground();
        var token = await pruner.Waiting.Task;
        Assert.That(running.IsCompleted, Is.False);

        await processes.ShutdownAsync(System.TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(token.IsCancellationRequested, Is.True);
            Assert.That(running.IsCompletedSuccessfully, Is.True);
        });
    }
}
