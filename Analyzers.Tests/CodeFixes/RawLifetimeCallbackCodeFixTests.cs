using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Rules;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.RawLifetimeCallbackAnalyzer,
    ContextFlow.CodeFixes.RawLifetimeCallbackCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class RawLifetimeCallbackCodeFixTests
{
    [Test]
    public Task StartedRegistration_BecomesCallWhenRunning() => Verify.VerifyCodeFixAsync(
        """
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start() => {|CTX2003:lifetime.ApplicationStarted.Register(() => Run())|};
            void Run() { }
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime,
        """
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start() => clock.CallWhenRunning(() => Run());
            void Run() { }
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime);

    [Test]
    public Task FixAll_RewritesEveryStartedRegistration() => Verify.VerifyFixAllAsync(
        """
        using System;
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start()
            {
                {|CTX2003:lifetime.ApplicationStarted.Register(() => Console.WriteLine("a"))|};
                {|CTX2003:lifetime.ApplicationStarted.Register(Run)|};
            }

            void Run() { }
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime,
        """
        using System;
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start()
            {
                clock.CallWhenRunning(() => Console.WriteLine("a"));
                clock.CallWhenRunning(Run);
            }

            void Run() { }
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime);

    [Test]
    public Task StoppingOrKeptRegistration_HasNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading;
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            CancellationTokenRegistration Kept() => {|CTX2003:lifetime.ApplicationStarted.Register(() => { })|};
            void Stop() => {|CTX2003:lifetime.ApplicationStopping.Register(() => { })|};
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime);

    [Test]
    public Task FixAll_GivesEverySiteItsOwnClock() => Verify.VerifyFixAllAsync(
        """
        using ContextFlow.Hosting;
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start() => {|CTX2003:lifetime.ApplicationStarted.Register(() => { })|};
        }

        class Warmup
        {
            void Start(Server server, IHostApplicationLifetime lifetime) => {|CTX2003:lifetime.ApplicationStarted.Register(() => { })|};
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime,
        """
        using ContextFlow.Hosting;
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start() => clock.CallWhenRunning(() => { });
        }

        class Warmup
        {
            void Start(Server server, IHostApplicationLifetime lifetime) => server.Clock.CallWhenRunning(() => { });
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime);

    [Test]
    public Task StartedTokenInALocal_BecomesCallWhenRunning() => Verify.VerifyCodeFixAsync(
        """
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start()
            {
                var started = lifetime.ApplicationStarted;
                {|CTX2003:started.Register(Run)|};
            }

            void Run() { }
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime,
        """
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;

        class Sync(Clock clock, IHostApplicationLifetime lifetime)
        {
            void Start()
            {
                var started = lifetime.ApplicationStarted;
                clock.CallWhenRunning(Run);
            }

            void Run() { }
        }
        """ + RawLifetimeCallbackAnalyzerTests.Lifetime);
}
