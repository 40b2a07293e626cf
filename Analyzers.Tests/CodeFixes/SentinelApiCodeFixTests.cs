using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.SentinelApiAnalyzer,
    ContextFlow.CodeFixes.SentinelApiCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class SentinelApiCodeFixTests
{
    [Test]
    public Task UnsafeRegister_BecomesRegister() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading;

        class C
        {
            void M(CancellationToken ct) => {|CTX1002:ct.UnsafeRegister(_ => { }, null)|};
        }
        """,
        """
        using System.Threading;

        class C
        {
            void M(CancellationToken ct) => ct.Register(_ => { }, null);
        }
        """);

    [Test]
    public Task FixAll_RewritesEveryUnsafeCall() => Verify.VerifyFixAllAsync(
        """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Thread thread, Task task)
            {
                {|CTX1002:ThreadPool.UnsafeQueueUserWorkItem(_ => { }, null)|};
                {|CTX1002:thread.UnsafeStart()|};
                {|CTX1002:task.GetAwaiter().UnsafeOnCompleted(() => { })|};
            }
        }
        """,
        """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Thread thread, Task task)
            {
                ThreadPool.QueueUserWorkItem(_ => { }, null);
                thread.Start();
                task.GetAwaiter().OnCompleted(() => { });
            }
        }
        """);

    [Test]
    public Task SuppressFlow_HasNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                using (var f = {|CTX1002:ExecutionContext.SuppressFlow()|}) { }
            }
        }
        """);
}
