using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis.Testing;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.ClockOutsideServerAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class ClockOutsideServerAnalyzerTests
{
    [Test]
    public Task ClockOutsideServer_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ContextFlow.Time;

        class Cache
        {
            private readonly Clock _clock = {|CTX2004:new Clock(TimeProvider.System, "alpha.example")|};

            Clock Make() => {|CTX2004:new(TimeProvider.System, "beta.example")|};
        }
        """);

    [Test]
    public Task ClockInsideBoundary_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ContextFlow;
        using ContextFlow.Time;

        class Host
        {
            [ContextBoundary("Owns one clock per server until servers host their own")]
            Clock ClockFor(string server) => new(TimeProvider.System, server);
        }
        """);

    [Test]
    public async Task ClockInsideServerSubclass_DoesNotReport()
    {
        // Only the analyzer's verdict matters here: the real Server's abstract members are not implemented.
        var test = new CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.ClockOutsideServerAnalyzer>.Test
        {
            TestCode = """
                using System;
                using ContextFlow.Time;

                abstract class HomeServer : ContextFlow.Hosting.Server
                {
                    Clock Extra() => new Clock(TimeProvider.System, "alpha.example");

                    class Nested
                    {
                        Clock Inner() => new Clock(TimeProvider.System, "alpha.example");
                    }
                }
                """ + StandIns.Server,
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        await test.RunAsync();
    }

    [Test]
    public Task UserTypeNamedClock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        namespace MyApp
        {
            class Clock { }

            class C
            {
                Clock Make() => new Clock();
            }
        }
        """);
}
