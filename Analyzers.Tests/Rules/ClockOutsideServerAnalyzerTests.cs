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
    public Task ClockInsideServerSubclass_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        sealed class HomeServer(ServerConfig config) : Server(config)
        {
            Clock Extra() => new Clock(TimeProvider.System, "alpha.example");

            class Nested
            {
                Clock Inner() => new Clock(TimeProvider.System, "alpha.example");
            }
        }
        """);

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
