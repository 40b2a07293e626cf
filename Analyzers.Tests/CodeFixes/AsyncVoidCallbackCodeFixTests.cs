using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Rules;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.AsyncVoidCallbackAnalyzer,
    ContextFlow.CodeFixes.AsyncVoidCallbackCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class AsyncVoidCallbackCodeFixTests
{
    [Test]
    public Task AsyncShutdownHandler_TakesTheToken() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool) => server.RegisterShutdownHandler({|CTX3002:async () => await pool.ShutdownAsync()|});
        }
        """ + AsyncVoidCallbackAnalyzerTests.Registry,
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class C
        {
            void M(Server server, Pool pool) => server.RegisterShutdownHandler(async ct => await pool.ShutdownAsync());
        }
        """ + AsyncVoidCallbackAnalyzerTests.Registry);

    [Test]
    public Task TakenNameAndExistingParameter_AreKept() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Registry registry, Pool pool, CancellationToken ct) => registry.On("ready", {|CTX3002:n => pool.ShutdownAsync()|});
        }
        """ + AsyncVoidCallbackAnalyzerTests.Registry,
        """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            void M(Registry registry, Pool pool, CancellationToken ct) => registry.On("ready", (n, ct2) => pool.ShutdownAsync());
        }
        """ + AsyncVoidCallbackAnalyzerTests.Registry);

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
        """ + AsyncVoidCallbackAnalyzerTests.Registry,
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
        """ + AsyncVoidCallbackAnalyzerTests.Registry);

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
        """ + AsyncVoidCallbackAnalyzerTests.Registry);
}
