using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.UndisposedScopeAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class UndisposedScopeAnalyzerTests
{
    [Test]
    public Task DiscardedOrPlainLocalScope_Reports() => Verify.VerifyAnalyzerAsync("""
        using ContextFlow;

        class C
        {
            void M(LoggingContext ctx)
            {
                {|CTX1001:ctx.Enter()|};
                _ = {|CTX1001:LoggingContext.Preserve()|};
                var scope = {|CTX1001:ctx.Enter()|};
            }
        }
        """);

    [Test]
    public Task MessageNamesTheCall() => Verify.VerifyAnalyzerAsync(
        """
        using ContextFlow;

        class C
        {
            void M(LoggingContext ctx) { {|#0:ctx.Enter()|}; }
        }
        """,
        Verify.Diagnostic().WithLocation(0).WithArguments("Enter()"));

    [Test]
    public Task UsingDisposedOrHandedOverScope_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using ContextFlow;

        class C
        {
            private LoggingContextScope _scope;

            void M(LoggingContext ctx)
            {
                using var a = ctx.Enter();
                using (LoggingContext.Preserve()) { }
                using (var b = ctx.Enter()) { }
                var c = ctx.Enter();
                try { } finally { c.Dispose(); }
                _scope = ctx.Enter();
            }

            LoggingContextScope Open(LoggingContext ctx) => ctx.Enter();
        }
        """);
}
