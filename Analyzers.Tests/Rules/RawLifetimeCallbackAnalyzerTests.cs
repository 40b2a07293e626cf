using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawLifetimeCallbackAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class RawLifetimeCallbackAnalyzerTests
{
    /// <summary>The hosting interface, declared here so the tests need no hosting package.</summary>
    internal const string Lifetime = """

        namespace Microsoft.Extensions.Hosting
        {
            public interface IHostApplicationLifetime
            {
                System.Threading.CancellationToken ApplicationStarted { get; }
                System.Threading.CancellationToken ApplicationStopping { get; }
                System.Threading.CancellationToken ApplicationStopped { get; }
                void StopApplication();
            }
        }
        """;

    [Test]
    public Task LifetimeRegistrations_Report() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Microsoft.Extensions.Hosting;

        class C
        {
            void M(IHostApplicationLifetime lifetime)
            {
                {|CTX2003:lifetime.ApplicationStarted.Register(() => Console.WriteLine("up"))|};
                {|CTX2003:lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping"))|};
                {|CTX2003:lifetime.ApplicationStopped.Register(_ => { }, null)|};
            }
        }
        """ + Lifetime);

    [Test]
    public Task StoppingMessage_PointsAtShutdownHandlers() => Verify.VerifyAnalyzerAsync(
        """
        using Microsoft.Extensions.Hosting;

        class C
        {
            void M(IHostApplicationLifetime lifetime) { {|#0:lifetime.ApplicationStopping.Register(() => { })|}; }
        }
        """ + Lifetime,
        Verify.Diagnostic().WithLocation(0).WithArguments(
            "ApplicationStopping.Register",
            "register a shutdown handler on the ContextFlow.Hosting.Server instead"));

    [Test]
    public Task StartedMessage_PointsAtCallWhenRunningAndTheHostIntegration() => Verify.VerifyAnalyzerAsync(
        """
        using Microsoft.Extensions.Hosting;

        class C
        {
            void M(IHostApplicationLifetime lifetime) { {|#0:lifetime.ApplicationStarted.Register(() => { })|}; }
        }
        """ + Lifetime,
        Verify.Diagnostic().WithLocation(0).WithArguments(
            "ApplicationStarted.Register",
            "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and use its CallWhenRunning; in a Generic Host application " +
            "services.AddContextFlow() marks the process running when the host has started (IHostedLifecycleService.StartedAsync)"));

    [Test]
    public Task OtherTokensAndBoundary_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using ContextFlow;
        using Microsoft.Extensions.Hosting;

        class Options { public CancellationToken ApplicationStarted { get; set; } }

        class C
        {
            void M(CancellationToken ct, Options options, IHostApplicationLifetime lifetime)
            {
                ct.Register(() => { });
                options.ApplicationStarted.Register(() => { });
            }

            [ContextBoundary("Bridges the host's lifetime into the server's")]
            void Bridge(IHostApplicationLifetime lifetime) => lifetime.ApplicationStarted.Register(() => { });
        }
        """ + Lifetime);

    [Test]
    public Task TokenReadIntoALocalOrPassedToALocalFunction_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using Microsoft.Extensions.Hosting;

        class C
        {
            void M(IHostApplicationLifetime lifetime)
            {
                var started = lifetime.ApplicationStarted;
                {|CTX2003:started.Register(() => Console.WriteLine("up"))|};
                CancellationToken stopping;
                stopping = lifetime.ApplicationStopping;
                {|CTX2003:stopping.Register(() => { })|};
                var again = started;
                {|CTX2003:again.Register(() => { })|};
                OnStarted(lifetime.ApplicationStarted);
                OnStarted(started);

                void OnStarted(CancellationToken token) => {|CTX2003:token.Register(() => { })|};
            }
        }
        """ + Lifetime);

    [Test]
    public Task TokensFromElsewhereOrFollowedFurther_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Microsoft.Extensions.Hosting;

        class Options { public CancellationToken ApplicationStarted { get; set; } }

        class C
        {
            private CancellationToken _started;

            void M(IHostApplicationLifetime lifetime, CancellationToken ct, Options options)
            {
                var token = ct;
                token.Register(() => { });
                var other = options.ApplicationStarted;
                other.Register(() => { });
                Hook(lifetime.ApplicationStarted);
                _started = lifetime.ApplicationStarted;
                _started.Register(() => { });
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted);
                linked.Token.Register(() => { });
                Local(ct);

                void Local(CancellationToken given) => given.Register(() => { });
            }

            static void Hook(CancellationToken started) => started.Register(() => { });
        }
        """ + Lifetime);
}
