using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.UndisposedScopeAnalyzer,
    ContextFlow.CodeFixes.UndisposedScopeCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class UndisposedScopeCodeFixTests
{
    [Test]
    public Task DiscardedEnter_BecomesUsingDeclaration() => Verify.VerifyCodeFixAsync(
        """
        using ContextFlow;

        class C
        {
            void M(LoggingContext ctx)
            {
                {|CTX1001:ctx.Enter()|};
                System.Console.WriteLine("inside");
            }
        }
        """,
        """
        using ContextFlow;

        class C
        {
            void M(LoggingContext ctx)
            {
                using var scope = ctx.Enter();
                System.Console.WriteLine("inside");
            }
        }
        """);

    [Test]
    public Task PlainLocal_GetsUsing() => Verify.VerifyCodeFixAsync(
        """
        using ContextFlow;

        class C
        {
            void M()
            {
                var preserved = {|CTX1001:LoggingContext.Preserve()|};
            }
        }
        """,
        """
        using ContextFlow;

        class C
        {
            void M()
            {
                using var preserved = LoggingContext.Preserve();
            }
        }
        """);

    [Test]
    public Task FixAll_PicksDistinctNames() => Verify.VerifyFixAllAsync(
        """
        using ContextFlow;

        class C
        {
            void M(LoggingContext a, LoggingContext b)
            {
                {|CTX1001:a.Enter()|};
                _ = {|CTX1001:b.Enter()|};
                var kept = {|CTX1001:LoggingContext.Preserve()|};
            }
        }
        """,
        """
        using ContextFlow;

        class C
        {
            void M(LoggingContext a, LoggingContext b)
            {
                using var scope = a.Enter();
                using var scope2 = b.Enter();
                using var kept = LoggingContext.Preserve();
            }
        }
        """);

    [Test]
    public Task EmbeddedStatement_HasNoFix() => Verify.VerifyNoFixAsync("""
        using ContextFlow;

        class C
        {
            void M(LoggingContext ctx, bool b)
            {
                if (b) {|CTX1001:ctx.Enter()|};
            }
        }
        """);
}
