using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.RawTimerAnalyzer,
    ContextFlow.CodeFixes.RawTimerCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class RawTimerCodeFixTests
{
    [Test]
    public Task OneShotTimer_BecomesCallLater() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class Cache(Clock clock)
        {
            void ExpireLater() => {|CTX2001:new Timer(_ => Expire(), null, 1000, Timeout.Infinite)|};
            void Expire() { }
        }
        """,
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class Cache(Clock clock)
        {
            void ExpireLater() => clock.CallLater(TimeSpan.FromMilliseconds(1000), () => Expire());
            void Expire() { }
        }
        """);

    [Test]
    public Task PeriodicTimer_BecomesLoopingCall() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class Pruner
        {
            private readonly Clock _clock;
            private readonly ILoopingCall? _loop;

            Pruner(Clock clock) => _clock = clock;

            void Start()
            {
                var loop = {|CTX2001:TimeProvider.System.CreateTimer(Prune, null, TimeSpan.Zero, TimeSpan.FromSeconds(5))|};
            }

            void Prune(object? state) { }
        }
        """,
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class Pruner
        {
            private readonly Clock _clock;
            private readonly ILoopingCall? _loop;

            Pruner(Clock clock) => _clock = clock;

            void Start()
            {
                var loop = _clock.LoopingCall(TimeSpan.FromSeconds(5), () => Prune(null));
            }

            void Prune(object? state) { }
        }
        """,
        "ContextFlow.UseClock:_clock");

    [Test]
    public Task SeveralClocks_OneFixPerTarget() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class C
        {
            private readonly Clock _clock = null!;

            void M(Clock other) => {|CTX2001:new Timer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan)|};
        }
        """,
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class C
        {
            private readonly Clock _clock = null!;

            void M(Clock other) => other.CallLater(TimeSpan.FromSeconds(1), () => { });
        }
        """,
        "ContextFlow.UseClock:other");

    [Test]
    public Task FixAll_RewritesEveryTimer() => Verify.VerifyFixAllAsync(
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void M()
            {
                {|CTX2001:new Timer(_ => A(), null, 10, Timeout.Infinite)|};
                {|CTX2001:new Timer(_ => B(), null, 10, 20)|};
            }

            void A() { }
            void B() { }
        }
        """,
        """
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void M()
            {
                clock.CallLater(TimeSpan.FromMilliseconds(10), () => A());
                clock.LoopingCall(TimeSpan.FromMilliseconds(20), () => B());
            }

            void A() { }
            void B() { }
        }
        """);

    [Test]
    public Task NoClockOrTimerKeptAsTimer_HasNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            private Timer? _timer;

            void Typed() => _timer = {|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|};
            static void NoClock() => {|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|};
        }
        """);

    [Test]
    public Task FixAll_GivesEverySiteItsOwnClock() => Verify.VerifyFixAllAsync(
        """
        using System;
        using System.Threading;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        class Cache(Clock clock)
        {
            void Expire() => {|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|};
        }

        class Pruner
        {
            private readonly Clock _clock = null!;

            void Start() => {|CTX2001:new Timer(_ => { }, null, 10, 20)|};
        }

        class Handler
        {
            void Handle(Server server) => {|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|};
        }
        """,
        """
        using System;
        using System.Threading;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        class Cache(Clock clock)
        {
            void Expire() => clock.CallLater(TimeSpan.FromMilliseconds(10), () => { });
        }

        class Pruner
        {
            private readonly Clock _clock = null!;

            void Start() => _clock.LoopingCall(TimeSpan.FromMilliseconds(20), () => { });
        }

        class Handler
        {
            void Handle(Server server) => server.Clock.CallLater(TimeSpan.FromMilliseconds(10), () => { });
        }
        """);

    [Test]
    public Task FixAll_KeepsTheChosenClockWhereASiteReachesIt()
    {
        const string Source = """
            using System;
            using System.Threading;
            using ContextFlow.Time;

            class C(Clock clock)
            {
                private readonly Clock _other = null!;

                void A() => {|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|};
                void B() => {|CTX2001:new Timer(_ => { }, null, 20, Timeout.Infinite)|};
            }

            class D
            {
                void E(Clock mine) => {|CTX2001:new Timer(_ => { }, null, 30, Timeout.Infinite)|};
            }
            """;

        // One fix at a time, "_other" fixes C only; Fix All started from it gives D its own clock.
        var test = new Verify.Test
        {
            TestCode = Source,
            FixedCode = Source
                .Replace("{|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|}", "_other.CallLater(TimeSpan.FromMilliseconds(10), () => { })")
                .Replace("{|CTX2001:new Timer(_ => { }, null, 20, Timeout.Infinite)|}", "_other.CallLater(TimeSpan.FromMilliseconds(20), () => { })"),
            BatchFixedCode = Source
                .Replace("{|CTX2001:new Timer(_ => { }, null, 10, Timeout.Infinite)|}", "_other.CallLater(TimeSpan.FromMilliseconds(10), () => { })")
                .Replace("{|CTX2001:new Timer(_ => { }, null, 20, Timeout.Infinite)|}", "_other.CallLater(TimeSpan.FromMilliseconds(20), () => { })")
                .Replace("{|CTX2001:new Timer(_ => { }, null, 30, Timeout.Infinite)|}", "mine.CallLater(TimeSpan.FromMilliseconds(30), () => { })"),
            CodeActionEquivalenceKey = "ContextFlow.UseClock:_other",
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }
}
