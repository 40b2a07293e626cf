using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.FireAndForgetAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class FireAndForgetAnalyzerTests
{
    [Test]
    public Task DiscardedWork_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                {|CTX3001:Task.Run(() => Work())|};
                _ = {|CTX3001:Task.Run(WorkAsync)|};
                {|CTX3001:Task.Factory.StartNew(() => Work())|};
                {|CTX3001:ThreadPool.QueueUserWorkItem(_ => Work())|};
                {|CTX3001:new Thread(Work).Start()|};
                var t = new Thread(Work);
                {|CTX3001:t.Start()|};
                _ = {|CTX3001:WorkAsync()|};
                {|CTX3001:WorkAsync()|};
            }

            static void Work() { }
            static Task WorkAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task AwaitedStoredOrJoinedWork_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;

        class C
        {
            async Task M()
            {
                await Task.Run(() => Work());
                var t = Task.Run(() => Work());
                Work();
                await t;
                var thread = new Thread(Work);
                thread.Start();
                thread.Join();
                await WorkAsync();
            }

            [ContextBoundary("The runner starts each process itself")]
            void Runner() => _ = Task.Run(WorkAsync);

            static void Work() { }
            static Task WorkAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task ContextFlowGeneratedStarter_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.CodeDom.Compiler;
        using System.Threading.Tasks;

        class C
        {
            void M() => _ = SyncInBackground();

            [GeneratedCode("ContextFlow.Generators", "1.0")]
            Task SyncInBackground() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task FaultObserverOnAnExistingTask_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private Task _pump = Task.CompletedTask;
            private Task Pump => _pump;

            void M(Task started)
            {
                var local = Task.CompletedTask;
                _ = local.ContinueWith(t => Observe(t.Exception!), TaskContinuationOptions.OnlyOnFaulted);
                started.ContinueWith(Observe, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                _ = _pump.ContinueWith(Observe, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                _ = Pump.ContinueWith(Observe, TaskContinuationOptions.OnlyOnFaulted);
            }

            static void Observe(Task task) { }
            static void Observe(Exception exception) { }
        }
        """);

    [Test]
    public Task ContinuationThatDoesNewWorkOrFollowsNewWork_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(Task started)
            {
                _ = {|CTX3001:started.ContinueWith(_ => Work())|};
                _ = {|CTX3001:started.ContinueWith(_ => Work(), TaskContinuationOptions.OnlyOnRanToCompletion)|};
                _ = {|CTX3001:started.ContinueWith(Observe, TaskContinuationOptions.NotOnFaulted)|};
                _ = {|CTX3001:WorkAsync().ContinueWith(Observe, TaskContinuationOptions.OnlyOnFaulted)|};
            }

            static void Observe(Task task) { }
            static void Work() { }
            static Task WorkAsync() => Task.CompletedTask;
        }
        """);
}
