using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.SentinelApiAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class SentinelApiAnalyzerTests
{
    [Test]
    public Task EverySentinelProducingApi_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Runtime.CompilerServices;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(CancellationToken ct, Thread thread, WaitHandle handle, Task task)
            {
                using (var f = {|CTX1002:ExecutionContext.SuppressFlow()|}) { }
                {|CTX1002:ThreadPool.UnsafeQueueUserWorkItem(_ => { }, null)|};
                {|CTX1002:ThreadPool.UnsafeRegisterWaitForSingleObject(handle, (_, _) => { }, null, 100, true)|};
                {|CTX1002:ct.UnsafeRegister(_ => { }, null)|};
                {|CTX1002:thread.UnsafeStart()|};
                {|CTX1002:task.GetAwaiter().UnsafeOnCompleted(() => { })|};
            }
        }
        """);

    [Test]
    public Task MessageNamesTheFlowingVariant() => Verify.VerifyAnalyzerAsync(
        """
        using System.Threading;

        class C
        {
            void M(CancellationToken ct) { {|#0:ct.UnsafeRegister(_ => { }, null)|}; }
        }
        """,
        Verify.Diagnostic().WithLocation(0).WithArguments("CancellationToken.UnsafeRegister", "use 'Register', which keeps the caller's context"));

    [Test]
    public Task FlowingVariantsAndBoundary_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using ContextFlow;

        class C
        {
            void M(CancellationToken ct, Thread thread)
            {
                ThreadPool.QueueUserWorkItem(_ => { }, null);
                ct.Register(_ => { }, null);
            }

            [ContextBoundary("Starts the runner's work in a fresh context")]
            void Boundary()
            {
                using (ExecutionContext.SuppressFlow()) { }
            }
        }
        """);
}
