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
}
