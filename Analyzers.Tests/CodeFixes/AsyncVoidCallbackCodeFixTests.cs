using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.AsyncVoidCallbackAnalyzer,
    ContextFlow.CodeFixes.AsyncVoidCallbackCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class AsyncVoidCallbackCodeFixTests
{
    private const string Types = """

        class Pool { public Task ShutdownAsync() => Task.CompletedTask; }

        class Registry
        {
            public void On(string name, System.Action<int> handler) { }
            public void On(string name, System.Func<int, System.Threading.CancellationToken, Task> handler) { }
        }
        """;

    [Test]
    public Task AsyncShutdownHandler_TakesTheToken() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool) => server.RegisterShutdownHandler({|CTX3002:async () => await pool.ShutdownAsync()|});
        }
        """ + Types,
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool) => server.RegisterShutdownHandler(async ct => await pool.ShutdownAsync());
        }
        """ + Types);

    [Test]
    public Task TakenNameAndExistingParameter_AreKept() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Registry registry, Pool pool, CancellationToken ct) => registry.On("ready", {|CTX3002:n => pool.ShutdownAsync()|});
        }
        """ + Types,
        """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Registry registry, Pool pool, CancellationToken ct) => registry.On("ready", (n, ct2) => pool.ShutdownAsync());
        }
        """ + Types);

    [Test]
    public Task FixAll_GivesEveryLambdaTheToken() => Verify.VerifyFixAllAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool)
            {
                server.RegisterShutdownHandler({|CTX3002:async () =>
                {
                    await pool.ShutdownAsync();
                }|});
                server.RegisterShutdownHandler({|CTX3002:() => pool.ShutdownAsync()|});
                server.RegisterShutdownHandler({|CTX3002:static async () => await Task.Yield()|});
            }
        }
        """ + Types,
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool)
            {
                server.RegisterShutdownHandler(async ct =>
                {
                    await pool.ShutdownAsync();
                });
                server.RegisterShutdownHandler(ct => pool.ShutdownAsync());
                server.RegisterShutdownHandler(static async ct => await Task.Yield());
            }
        }
        """ + Types);

    [Test]
    public Task MethodGroupOrTypedParameters_HaveNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Registry registry, Pool pool)
            {
                server.RegisterShutdownHandler({|CTX3002:OnShutdown|});
                registry.On("ready", {|CTX3002:async (int n) => await pool.ShutdownAsync()|});
            }

            async void OnShutdown() => await Task.Yield();
        }
        """ + Types);
}
