using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawDelayAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class RawDelayAnalyzerTests
{
    [Test]
    public Task DelaysAndSleepInAsyncCode_Report() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(CancellationToken ct)
            {
                await {|CTX2002:Task.Delay(100)|};
                await {|CTX2002:Task.Delay(TimeSpan.FromSeconds(1), ct)|};
                _ = {|CTX2002:Task.Delay(10)|}.ContinueWith(_ => Console.WriteLine("later"));
                {|CTX2002:Thread.Sleep(10)|};
                Func<Task> f = async () => {|CTX2002:Thread.Sleep(5)|};
            }
        }
        """);

    [Test]
    public Task SleepInSynchronousMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M() { Thread.Sleep(10); }
        }
        """);

    [Test]
    public Task DelayInsideContextBoundary_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using ContextFlow;

        class C
        {
            [ContextBoundary("The clock's own sleep")]
            Task M() => Task.Delay(100);

            [ContextBoundary("Waits for a foreign resource")]
            Func<Task> P => async () => await Task.Delay(1);
        }
        """);

    [Test]
    public Task UserDelayMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Task2 { public static Task Delay(int ms) => Task.CompletedTask; }

        class C
        {
            async Task M() => await Task2.Delay(100);
        }
        """);
}
