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

    [Test]
    public Task TimeoutsOnTheSystemClock_Report() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly CancellationTokenSource _stop = new();

            async Task M(Task<int> work, CancellationToken ct)
            {
                await {|CTX2002:work.WaitAsync(TimeSpan.FromSeconds(5))|};
                await {|CTX2002:work.WaitAsync(TimeSpan.FromSeconds(5), ct)|};
                using var byTime = {|CTX2002:new CancellationTokenSource(TimeSpan.FromSeconds(5))|};
                using var byMilliseconds = {|CTX2002:new CancellationTokenSource(5000)|};
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
                {|CTX2002:linked.CancelAfter(TimeSpan.FromSeconds(1))|};
                {|CTX2002:linked.CancelAfter(1000)|};
                {|CTX2002:_stop.CancelAfter(1000)|};
            }
        }
        """);

    [Test]
    public Task TimeoutsOnATimeProviderOrInfinite_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(Task work, TimeProvider time, CancellationToken ct)
            {
                await work.WaitAsync(TimeSpan.FromSeconds(5), time);
                await work.WaitAsync(TimeSpan.FromSeconds(5), time, ct);
                await work.WaitAsync(ct);
                await work.WaitAsync(Timeout.InfiniteTimeSpan);
                using var source = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
                source.CancelAfter(TimeSpan.FromSeconds(1));
                using var plain = new CancellationTokenSource();
                using var never = new CancellationTokenSource(Timeout.Infinite);
                plain.CancelAfter(Timeout.InfiniteTimeSpan);
                plain.Cancel();
            }
        }
        """);

    [Test]
    public Task TimeoutMessage_NamesTheSanctionedForms() => Verify.VerifyAnalyzerAsync(
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            async Task M(Task work)
            {
                await {|#0:work.WaitAsync(TimeSpan.FromSeconds(5))|};
                using var source = {|#1:new CancellationTokenSource(100)|};
            }

            static void N(CancellationTokenSource source) => {|#2:source.CancelAfter(100)|};
        }
        """,
        Verify.Diagnostic().WithLocation(0).WithArguments(
            "Task.WaitAsync",
            "time out with task.TimeoutAsync(timeout, clock) (ContextFlow.Background.ContextTasks), or with WaitAsync(timeout, timeProvider) on the server's TimeProvider"),
        Verify.Diagnostic().WithLocation(1).WithArguments(
            "new CancellationTokenSource(delay)",
            "time out with ContextTasks.TimeoutAsync(task, timeout, clock, cancel), which cancels the source when the timeout passes on the clock, " +
            "or make the source with new CancellationTokenSource(delay, timeProvider) on the server's TimeProvider"),
        Verify.Diagnostic().WithLocation(2).WithArguments(
            "CancellationTokenSource.CancelAfter",
            "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and time out with ContextTasks.TimeoutAsync(task, timeout, clock, cancel), " +
            "which cancels the source when the timeout passes on the clock, or make the source with new CancellationTokenSource(delay, timeProvider) on the server's TimeProvider"));

    [Test]
    public Task TimeoutsInsideContextBoundary_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;

        class C
        {
            [ContextBoundary("Waits for a foreign process on the wall clock")]
            async Task M(Task exited)
            {
                await exited.WaitAsync(TimeSpan.FromSeconds(90));
                using var source = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            }
        }
        """);

    [Test]
    public Task DelayMethodGroups_Report() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Func<Func<int, Task>, Task> retry)
            {
                Func<TimeSpan, CancellationToken, Task> wait = {|CTX2002:Task.Delay|};
                Func<int, Task> pause = {|CTX2002:Task.Delay|};
                _ = retry({|CTX2002:Task.Delay|});
            }
        }
        """);

    [Test]
    public Task DelayMethodGroupOnATimeProviderOrOtherGroups_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                Func<TimeSpan, TimeProvider, Task> wait = Task.Delay;
                Action<int> block = Thread.Sleep;
                Func<int, Task<int>> result = Task.FromResult;
            }
        }
        """);
}
