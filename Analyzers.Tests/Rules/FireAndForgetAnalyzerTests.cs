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

    [Test]
    public Task NullConditionalDiscards_Report() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Pool
        {
            public Task ShutdownAsync() => Task.CompletedTask;
            public ValueTask DisposeAsync() => default;
            public Pool? Next { get; set; }
        }

        class Sink { public Task WriteAsync(string path) => Task.CompletedTask; }

        class C
        {
            private Pool? _pool;

            void M(Sink? sink, string path)
            {
                {|CTX3001:_pool?.ShutdownAsync()|};
                _ = {|CTX3001:sink?.WriteAsync(path)|};
                _ = {|CTX3001:_pool?.DisposeAsync()|};
                {|CTX3001:_pool?.Next?.ShutdownAsync()|};
            }
        }
        """);

    [Test]
    public Task NullConditionalCallsThatAreKept_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class C
        {
            private Pool? _pool;

            async Task M()
            {
                var shutdown = _pool?.ShutdownAsync();
                if (shutdown is not null)
                {
                    await shutdown;
                }

                await (_pool?.ShutdownAsync() ?? Task.CompletedTask);
            }
        }
        """);

    [Test]
    public Task DiscardedConfigureAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class C
        {
            private Pool? _pool;

            void M(Task task)
            {
                _ = {|CTX3001:WorkAsync().ConfigureAwait(false)|};
                _ = {|CTX3001:CountAsync().ConfigureAwait(true)|};
                _ = {|CTX3001:ValueWorkAsync().ConfigureAwait(false)|};
                _ = {|CTX3001:task.ConfigureAwait(false)|};
                _ = {|CTX3001:_pool?.ShutdownAsync().ConfigureAwait(false)|};
                {|CTX3001:WorkAsync().ConfigureAwait(false)|};
            }

            static Task WorkAsync() => Task.CompletedTask;
            static Task<int> CountAsync() => Task.FromResult(1);
            static ValueTask ValueWorkAsync() => default;
        }
        """);

    [Test]
    public Task AwaitedOrSanctionedConfigureAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        class C(BackgroundProcesses background, Server server)
        {
            async Task M()
            {
                await WorkAsync().ConfigureAwait(false);
                var awaitable = WorkAsync().ConfigureAwait(false);
                await awaitable;
                _ = background.RunAsBackgroundProcess("work", ct => WorkAsync()).ConfigureAwait(false);
                _ = server.ShutdownAsync().ConfigureAwait(false);
            }

            static Task WorkAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task LifecycleOperationsOfServerAndHost_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        sealed class Config : ServerConfig { }

        sealed class Tenant(Config config) : Server(config)
        {
            public void Stop() => _ = ShutdownAsync();
        }

        class Admin
        {
            void Handle(Server server, ServerHost host, Server? maybe, string name)
            {
                _ = server.ShutdownAsync();
                server.ShutdownAsync();
                _ = server.DisposeAsync();
                _ = maybe?.ShutdownAsync();
                _ = host.ShutdownAsync();
                _ = host.DisposeAsync();
                _ = host.DeprovisionAsync(name);
                host.DeprovisionAsync(name);
            }
        }
        """);

    [Test]
    public Task OtherTasksOfServerAndHostOrOtherShutdowns_Report() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class Admin
        {
            void Handle(Server server, ServerHost host, Pool pool)
            {
                _ = {|CTX3001:server.SetupAsync()|};
                _ = {|CTX3001:server.StartAsync()|};
                _ = {|CTX3001:host.StartAsync()|};
                _ = {|CTX3001:pool.ShutdownAsync()|};
            }
        }
        """);

    [Test]
    public Task TaskBodyOfALambdaWithAnAwaitedOverload_IsLeftToCtx3002() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class C
        {
            void M(Server server, Pool? pool, List<Pool> pools)
            {
                server.RegisterShutdownHandler(() => pool!.ShutdownAsync());
                server.RegisterShutdownHandler(() => pool?.ShutdownAsync());
                pools.ForEach(p => {|CTX3001:p.ShutdownAsync()|});
            }
        }
        """);

    [Test]
    public Task DelayedContinuation_IsLeftToCtx2002() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M()
            {
                _ = Task.Delay(500).ContinueWith(_ => Retry());
                Task.Delay(500).ContinueWith(_ => Retry());
            }

            void Retry() { }
        }
        """);
}
