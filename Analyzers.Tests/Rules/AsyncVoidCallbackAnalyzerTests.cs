using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.AsyncVoidCallbackAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class AsyncVoidCallbackAnalyzerTests
{
    /// <summary>An API of the user's with the same pair of overloads as <c>Server.RegisterShutdownHandler</c>, and a pool.</summary>
    internal const string Registry = """

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class Registry
        {
            public void On(string name, System.Action<int> handler) { }
            public void On(string name, System.Func<int, System.Threading.CancellationToken, Task> handler) { }
            public void Each(System.Action<int> handler) { }
        }
        """;

    [Test]
    public Task AsyncCallbacksBoundToTheActionOverload_Report() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool, Registry registry)
            {
                server.RegisterShutdownHandler({|CTX3002:async () => await pool.ShutdownAsync()|});
                server.RegisterShutdownHandler({|CTX3002:async () => { await pool.ShutdownAsync(); }|});
                server.RegisterShutdownHandler({|CTX3002:() => pool.ShutdownAsync()|});
                server.RegisterShutdownHandler({|CTX3002:OnShutdown|});
                registry.On("ready", {|CTX3002:async n => await pool.ShutdownAsync()|});
            }

            async void OnShutdown() => await Task.Yield();
        }
        """ + Registry);

    [Test]
    public Task Message_NamesTheOverloadAndTheLambdaItWants() => Verify.VerifyAnalyzerAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool, Registry registry)
            {
                server.RegisterShutdownHandler({|#0:async () => await pool.ShutdownAsync()|});
                registry.On("ready", {|#1:n => pool.ShutdownAsync()|});
                server.RegisterShutdownHandler({|#2:OnShutdown|});
            }

            async void OnShutdown() => await Task.Yield();
        }
        """ + Registry,
        Verify.Diagnostic().WithLocation(0).WithArguments(
            "Server.RegisterShutdownHandler", "an async lambda", "Action",
            "give the lambda the parameters of Func<CancellationToken, Task> (async ct => ...) so the overload that awaits it is chosen"),
        Verify.Diagnostic().WithLocation(1).WithArguments(
            "Registry.On", "a lambda returning a task", "Action<int>",
            "give the lambda the parameters of Func<int, CancellationToken, Task> ((n, ct) => ...) so the overload that awaits it is chosen"),
        Verify.Diagnostic().WithLocation(2).WithArguments(
            "Server.RegisterShutdownHandler", "the async void method 'OnShutdown'", "Action",
            "make 'OnShutdown' return a Task so the overload taking Func<CancellationToken, Task> is chosen"));

    [Test]
    public Task AwaitedOverloadsSynchronousCallbacksAndApisWithoutOne_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        class C
        {
            void M(Server server, Clock clock, Pool pool, Registry registry, List<int> items)
            {
                server.RegisterShutdownHandler(async ct => await pool.ShutdownAsync());
                server.RegisterShutdownHandler(ct => pool.ShutdownAsync());
                server.RegisterShutdownHandler(() => Console.WriteLine("bye"));
                server.RegisterShutdownHandler(Flush);
                clock.CallLater(TimeSpan.FromSeconds(1), async () => await pool.ShutdownAsync());
                clock.CallWhenRunning(async () => await pool.ShutdownAsync());
                clock.LoopingCall(TimeSpan.FromSeconds(1), () => pool.ShutdownAsync());
                registry.On("ready", async (n, ct) => await pool.ShutdownAsync());
                registry.Each(async n => await pool.ShutdownAsync());
            }

            [ContextBoundary("Registers a handler the host waits for by other means")]
            void Bridge(Server server, Pool pool) => server.RegisterShutdownHandler(async () => await pool.ShutdownAsync());

            void Flush() { }
        }
        """ + Registry);

    [Test]
    public Task WithoutContextFlow_DoesNotReport() => Verify.VerifyWithoutContextFlowAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(Pool pool, Registry registry) => registry.On("ready", async n => await pool.ShutdownAsync());
        }
        """ + Registry);
}
