using ContextFlow.Analyzers.Tests.Generators.Support;
using ContextFlow.Generators;

namespace ContextFlow.Analyzers.Tests.Generators;

public sealed class BackgroundProcessGeneratorTests
{
    [Test]
    public void MethodShapes_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new BackgroundProcessGenerator(), """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Background;

        namespace Sample;

        public partial class Pruner
        {
            private readonly BackgroundProcesses _processes;

            public Pruner(BackgroundProcesses processes) => _processes = processes;

            [BackgroundProcess("prune_old_events")]
            public Task PruneAsync(int batchSize, CancellationToken cancellationToken) => Task.CompletedTask;

            [BackgroundProcess("count <rows> & \"more\"")]
            internal ValueTask<int> CountRows(string @event, int limit = 10, params string[] tables) => new(0);

            [BackgroundProcess("refresh")]
            protected Task RefreshAsync<TKey>(CancellationToken token, TKey key, IList<TKey>? keys = null)
                where TKey : class, new() => Task.CompletedTask;

            [BackgroundProcess("refresh_all")]
            protected Task RefreshAsync() => Task.CompletedTask;
        }
        """), nameof(BackgroundProcessGeneratorTests) + "." + nameof(MethodShapes_MatchSnapshot));

    [Test]
    public void Owners_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new BackgroundProcessGenerator(), """
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        public sealed partial class HomeServer(ServerConfig config) : Server(config)
        {
            [BackgroundProcess("update_stats")]
            private Task UpdateStatsAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }

        namespace Sample
        {
            public partial class Handler
            {
                public Server? Server { get; set; }

                [BackgroundProcess("notify")]
                public Task NotifyAsync(string user) => Task.CompletedTask;
            }

            public static partial class Jobs
            {
                internal static BackgroundProcesses Processes { get; set; } = null!;

                [BackgroundProcess("sweep")]
                public static ValueTask SweepAsync(CancellationToken cancellationToken) => default;
            }

            internal partial class Outer<T>
            {
                internal partial record Inner(BackgroundProcesses? Processes)
                {
                    [BackgroundProcess("inner")]
                    public Task<T?> FetchAsync(T cancellationToken, CancellationToken token) => Task.FromResult<T?>(default);
                }
            }
        }
        """), nameof(BackgroundProcessGeneratorTests) + "." + nameof(Owners_MatchSnapshot));

    [Test]
    public void PrimaryConstructorParameters_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new BackgroundProcessGenerator(), """
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        namespace Sample;

        public partial class Pruner(BackgroundProcesses processes, int batchSize)
        {
            [BackgroundProcess("prune")]
            public Task PruneAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public partial class Notifier(Server? server)
        {
            [BackgroundProcess("notify")]
            public Task NotifyAsync(string user) => Task.CompletedTask;
        }

        public partial class Kept(BackgroundProcesses processes)
        {
            private readonly BackgroundProcesses _processes = processes;

            [BackgroundProcess("kept")]
            public Task KeepAsync() => Task.CompletedTask;
        }
        """), nameof(BackgroundProcessGeneratorTests) + "." + nameof(PrimaryConstructorParameters_MatchSnapshot));

    [Test]
    public void InvalidUse_GeneratesNothing()
    {
        var files = GeneratorRunner.Generate(new BackgroundProcessGenerator(), """
            using System.Threading.Tasks;
            using ContextFlow;
            using ContextFlow.Background;

            public class NotPartial
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("a")]
                public Task A() => Task.CompletedTask;
            }

            public partial class NoOwner
            {
                [BackgroundProcess("b")]
                public Task B() => Task.CompletedTask;
            }

            public partial class WrongReturn
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("c")]
                public void C() { }
            }
            """);

        Assert.That(files, Is.Empty);
    }

    [Test]
    public void UnrelatedEdit_EveryStepIsCachedAndHoldsNoRoslynObjects() =>
        IncrementalChecks.AssertCachedAfterUnrelatedEdit(new BackgroundProcessGenerator(), """
            using System.Threading.Tasks;
            using ContextFlow;
            using ContextFlow.Background;

            public partial class Pruner
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("prune")]
                public Task PruneAsync(int batchSize) => Task.CompletedTask;
            }
            """);

    [Test]
    public void EditOfTheMarkedMethod_RegeneratesIt()
    {
        const string Source = """
            using System.Threading.Tasks;
            using ContextFlow;
            using ContextFlow.Background;

            public partial class Pruner
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("prune")]
                public Task PruneAsync(int batchSize) => Task.CompletedTask;
            }
            """;

        IncrementalChecks.AssertRegeneratedAfterEdit(new BackgroundProcessGenerator(), Source, Source.Replace("\"prune\"", "\"prune_old\""));
    }
}
