using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.ContextBoundaryWithoutReasonAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class ContextBoundaryWithoutReasonAnalyzerTests
{
    [Test]
    public Task EmptyOrWhitespaceReason_Reports() => Verify.VerifyAnalyzerAsync("""
        using ContextFlow;

        [{|CTX1000:ContextBoundary("")|}]
        class C
        {
            [{|CTX1000:ContextBoundary("   ")|}]
            void M()
            {
                L();

                [{|CTX1000:ContextBoundary(null!)|}]
                static void L() { }
            }

            [{|CTX1000:ContextBoundary("\t")|}]
            int P => 1;
        }
        """);

    [Test]
    public Task ReasonGiven_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using ContextFlow;

        [ContextBoundary("Owns the server's timers")]
        class C
        {
            [ContextBoundary("Starts the clock's raw timer")]
            void M() { }
        }
        """);
}
