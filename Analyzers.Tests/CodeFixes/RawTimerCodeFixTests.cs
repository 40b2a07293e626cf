using System.Threading.Tasks;
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
}
