using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Support;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.FireAndForgetAnalyzer,
    ContextFlow.CodeFixes.FireAndForgetCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class FireAndForgetCodeFixTests
{
    [Test]
    public Task DiscardedCall_BecomesBackgroundProcess() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Mailer(BackgroundProcesses background)
        {
            void Queue() => _ = {|CTX3001:SendEmailsAsync(10)|};
            Task SendEmailsAsync(int batch) => Task.CompletedTask;
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Mailer(BackgroundProcesses background)
        {
            void Queue() => _ = background.RunAsBackgroundProcess("send_emails", ct => SendEmailsAsync(10));
            Task SendEmailsAsync(int batch) => Task.CompletedTask;
        }
        """);

    [Test]
    public Task DiscardedTaskRun_BecomesBackgroundProcess() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Cache
        {
            private readonly BackgroundProcesses _background = null!;

            void Refresh()
            {
                {|CTX3001:Task.Run(async () => await ReloadAsync())|};
            }

            Task ReloadAsync() => Task.CompletedTask;
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Cache
        {
            private readonly BackgroundProcesses _background = null!;

            void Refresh()
            {
                _ = _background.RunAsBackgroundProcess("background_work", async ct => await ReloadAsync());
            }

            Task ReloadAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task FixAll_RewritesEveryDiscardedTask() => Verify.VerifyFixAllAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class C(BackgroundProcesses background)
        {
            void M()
            {
                {|CTX3001:Task.Run(PruneAsync)|};
                _ = {|CTX3001:Task.Run(() => PruneAsync())|};
                {|CTX3001:PruneAsync()|};
            }

            Task PruneAsync() => Task.CompletedTask;
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class C(BackgroundProcesses background)
        {
            void M()
            {
                _ = background.RunAsBackgroundProcess("prune", ct => PruneAsync());
                _ = background.RunAsBackgroundProcess("prune", ct => PruneAsync());
                _ = background.RunAsBackgroundProcess("prune", ct => PruneAsync());
            }

            Task PruneAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task NoTargetOrNoShape_HasNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                _ = {|CTX3001:PruneAsync()|};
                {|CTX3001:ThreadPool.QueueUserWorkItem(_ => { })|};
            }

            Task PruneAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task NullConditionalDiscards_BecomeBackgroundProcesses() => Verify.VerifyFixAllAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Pool
        {
            public Task ShutdownAsync() => Task.CompletedTask;
            public ValueTask DisposeAsync() => default;
        }

        class Sink { public Task WriteAsync(string path) => Task.CompletedTask; }

        class C(BackgroundProcesses background)
        {
            private Pool? _pool;

            void M(Sink? sink, string path)
            {
                {|CTX3001:_pool?.ShutdownAsync()|};
                _ = {|CTX3001:sink?.WriteAsync(path)|};
                _ = {|CTX3001:_pool?.DisposeAsync()|};
            }
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Pool
        {
            public Task ShutdownAsync() => Task.CompletedTask;
            public ValueTask DisposeAsync() => default;
        }

        class Sink { public Task WriteAsync(string path) => Task.CompletedTask; }

        class C(BackgroundProcesses background)
        {
            private Pool? _pool;

            void M(Sink? sink, string path)
            {
                _ = background.RunAsBackgroundProcess("shutdown", ct => _pool?.ShutdownAsync() ?? Task.CompletedTask);
                _ = background.RunAsBackgroundProcess("write", ct => sink?.WriteAsync(path) ?? Task.CompletedTask);
                _ = background.RunAsBackgroundProcess("dispose", ct => _pool?.DisposeAsync().AsTask() ?? Task.CompletedTask);
            }
        }
        """);

    [Test]
    public Task DiscardedConfigureAwait_BecomesBackgroundProcessOfTheCall() => Verify.VerifyFixAllAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class C(BackgroundProcesses background)
        {
            private Pool? _pool;

            void M()
            {
                _ = {|CTX3001:FlushAsync().ConfigureAwait(false)|};
                {|CTX3001:ValueFlushAsync().ConfigureAwait(false)|};
                _ = {|CTX3001:_pool?.ShutdownAsync().ConfigureAwait(false)|};
            }

            Task FlushAsync() => Task.CompletedTask;
            ValueTask ValueFlushAsync() => default;
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class C(BackgroundProcesses background)
        {
            private Pool? _pool;

            void M()
            {
                _ = background.RunAsBackgroundProcess("flush", ct => FlushAsync());
                _ = background.RunAsBackgroundProcess("value_flush", ct => ValueFlushAsync().AsTask());
                _ = background.RunAsBackgroundProcess("shutdown", ct => _pool?.ShutdownAsync() ?? Task.CompletedTask);
            }

            Task FlushAsync() => Task.CompletedTask;
            ValueTask ValueFlushAsync() => default;
        }
        """);

    [Test]
    public Task ConfigureAwaitOfAnExistingTask_HasNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading.Tasks;
        using ContextFlow.Background;

        class C(BackgroundProcesses background)
        {
            void M(Task task) => _ = {|CTX3001:task.ConfigureAwait(false)|};
        }
        """);

    [Test]
    public Task FixAll_GivesEverySiteItsOwnBackgroundProcesses() => Verify.VerifyFixAllAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        class Mailer(BackgroundProcesses background)
        {
            void Queue() => _ = {|CTX3001:SendAsync()|};
            Task SendAsync() => Task.CompletedTask;
        }

        class Cache
        {
            private readonly BackgroundProcesses _processes = null!;

            void Refresh() => {|CTX3001:Task.Run(ReloadAsync)|};
            Task ReloadAsync() => Task.CompletedTask;
        }

        class Handler
        {
            void Handle(Server server) => _ = {|CTX3001:PruneAsync()|};
            Task PruneAsync() => Task.CompletedTask;
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        class Mailer(BackgroundProcesses background)
        {
            void Queue() => _ = background.RunAsBackgroundProcess("send", ct => SendAsync());
            Task SendAsync() => Task.CompletedTask;
        }

        class Cache
        {
            private readonly BackgroundProcesses _processes = null!;

            void Refresh() => _processes.RunAsBackgroundProcess("reload", ct => ReloadAsync());
            Task ReloadAsync() => Task.CompletedTask;
        }

        class Handler
        {
            void Handle(Server server) => _ = server.BackgroundProcesses.RunAsBackgroundProcess("prune", ct => PruneAsync());
            Task PruneAsync() => Task.CompletedTask;
        }
        """);
}
