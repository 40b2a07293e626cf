using System.Threading.Tasks;
using ContextFlow.Analyzers.Rules;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawTimerAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class RawTimerAnalyzerTests
{
    [Test]
    public Task ThreadingTimer_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var t = {|CTX2001:new Timer(_ => { }, null, 100, Timeout.Infinite)|};
                var u = {|CTX2001:new System.Timers.Timer(100)|};
                var p = {|CTX2001:new PeriodicTimer(TimeSpan.FromSeconds(1))|};
                var q = {|CTX2001:TimeProvider.System.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromSeconds(1))|};
            }
        }
        """);

    [Test]
    public Task UserTypeNamedTimer_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        namespace MyApp
        {
            class Timer { public Timer(int period) { } }

            class C
            {
                void M() { var t = new Timer(100); }
            }
        }
        """);
}
