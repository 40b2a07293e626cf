using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Support;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpCodeFixVerifier<
    ContextFlow.Analyzers.Rules.RawDelayAnalyzer,
    ContextFlow.CodeFixes.RawDelayCodeFix>;

namespace ContextFlow.Analyzers.Tests.CodeFixes;

public sealed class RawDelayCodeFixTests
{
    [Test]
    public Task AwaitedDelay_BecomesSleepAsync() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class Poller(Clock clock)
        {
            async Task PollAsync(CancellationToken ct)
            {
                await {|CTX2002:Task.Delay(TimeSpan.FromSeconds(1), ct)|};
            }
        }
        """,
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class Poller(Clock clock)
        {
            async Task PollAsync(CancellationToken ct)
            {
                await clock.SleepAsync(TimeSpan.FromSeconds(1), ct);
            }
        }
        """);

    [Test]
    public Task SleepInAsyncMethod_BecomesAwaitedSleepAsync() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C
        {
            async Task M(Clock clock)
            {
                {|CTX2002:Thread.Sleep(250)|};
                await Task.Yield();
            }
        }
        """,
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C
        {
            async Task M(Clock clock)
            {
                await clock.SleepAsync(TimeSpan.FromMilliseconds(250));
                await Task.Yield();
            }
        }
        """);

    [Test]
    public Task DelayContinueWith_BecomesCallLater() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void Retry() => _ = {|CTX2002:Task.Delay(500)|}.ContinueWith(_ => Send());
            void Send() { }
        }
        """,
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void Retry() => _ = clock.CallLater(TimeSpan.FromMilliseconds(500), () => Send());
            void Send() { }
        }
        """);

    [Test]
    public Task FixAll_RewritesEveryDelay() => Verify.VerifyFixAllAsync(
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            async Task M()
            {
                await {|CTX2002:Task.Delay(10)|};
                await {|CTX2002:Task.Delay(TimeSpan.FromSeconds(2))|};
            }
        }
        """,
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            async Task M()
            {
                await clock.SleepAsync(TimeSpan.FromMilliseconds(10));
                await clock.SleepAsync(TimeSpan.FromSeconds(2));
            }
        }
        """);

    [Test]
    public Task ServerParameter_UsesItsClock() => Verify.VerifyCodeFixAsync(
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class Handler
        {
            async Task HandleAsync(Server server) => await {|CTX2002:Task.Delay(5)|};
        }
        """,
        """
        using System.Threading.Tasks;
        using ContextFlow.Hosting;

        class Handler
        {
            async Task HandleAsync(Server server) => await server.Clock.SleepAsync(System.TimeSpan.FromMilliseconds(5));
        }
        """);

    [Test]
    public Task NoClockReachable_HasNoFix() => Verify.VerifyNoFixAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M() => await {|CTX2002:Task.Delay(10)|};
        }
        """);

    [Test]
    public Task WaitAsync_BecomesTimeoutAsyncOnTheClock() => Verify.VerifyFixAllAsync(
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class Fetcher(Clock clock)
        {
            async Task<string> FetchAsync(CancellationToken ct)
            {
                var body = await {|CTX2002:ReadAsync().WaitAsync(TimeSpan.FromSeconds(5))|};
                await {|CTX2002:SendAsync().WaitAsync(TimeSpan.FromSeconds(1), ct)|};
                return body;
            }

            Task<string> ReadAsync() => Task.FromResult("");
            Task SendAsync() => Task.CompletedTask;
        }
        """,
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Time;

        class Fetcher(Clock clock)
        {
            async Task<string> FetchAsync(CancellationToken ct)
            {
                var body = await ReadAsync().TimeoutAsync(TimeSpan.FromSeconds(5), clock);
                await SendAsync().WaitAsync(ct).TimeoutAsync(TimeSpan.FromSeconds(1), clock);
                return body;
            }

            Task<string> ReadAsync() => Task.FromResult("");
            Task SendAsync() => Task.CompletedTask;
        }
        """);

    [Test]
    public Task WaitAsyncWithTheUsingInPlace_AddsNone() => Verify.VerifyCodeFixAsync(
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        class Handler
        {
            Task HandleAsync(Server server, Task work) => {|CTX2002:work.WaitAsync(TimeSpan.FromSeconds(2))|};
        }
        """,
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;

        class Handler
        {
            Task HandleAsync(Server server, Task work) => work.TimeoutAsync(TimeSpan.FromSeconds(2), server.Clock);
        }
        """);

    [Test]
    public Task DelayMethodGroups_BecomeSleepAsync() => Verify.VerifyFixAllAsync(
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void M()
            {
                Func<TimeSpan, CancellationToken, Task> wait = {|CTX2002:Task.Delay|};
                Func<TimeSpan, Task> pause = {|CTX2002:Task.Delay|};
                Func<int, Task> nap = {|CTX2002:Task.Delay|};
                Func<int, CancellationToken, Task> doze = {|CTX2002:Task.Delay|};
            }
        }
        """,
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void M()
            {
                Func<TimeSpan, CancellationToken, Task> wait = clock.SleepAsync;
                Func<TimeSpan, Task> pause = delay => clock.SleepAsync(delay);
                Func<int, Task> nap = ms => clock.SleepAsync(TimeSpan.FromMilliseconds(ms));
                Func<int, CancellationToken, Task> doze = (ms, ct) => clock.SleepAsync(TimeSpan.FromMilliseconds(ms), ct);
            }
        }
        """);

    [Test]
    public Task CancellationSourceTimeouts_HaveNoFix() => Verify.VerifyNoFixAsync("""
        using System;
        using System.Threading;
        using ContextFlow.Time;

        class C(Clock clock)
        {
            void M()
            {
                using var source = {|CTX2002:new CancellationTokenSource(TimeSpan.FromSeconds(1))|};
                {|CTX2002:source.CancelAfter(10)|};
            }
        }
        """);

    [Test]
    public Task FixAll_GivesEverySiteItsOwnClock() => Verify.VerifyFixAllAsync(
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        class Poller(Clock clock)
        {
            Task PollAsync() => {|CTX2002:Task.Delay(10)|};
        }

        class Retrier
        {
            private readonly Clock _clock = null!;

            async Task RetryAsync(Task work)
            {
                await {|CTX2002:Task.Delay(20)|};
                await {|CTX2002:work.WaitAsync(TimeSpan.FromSeconds(1))|};
            }
        }

        class Handler
        {
            Task HandleAsync(Server server, Task work) => {|CTX2002:work.WaitAsync(TimeSpan.FromSeconds(2))|};
        }
        """,
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        class Poller(Clock clock)
        {
            Task PollAsync() => clock.SleepAsync(TimeSpan.FromMilliseconds(10));
        }

        class Retrier
        {
            private readonly Clock _clock = null!;

            async Task RetryAsync(Task work)
            {
                await _clock.SleepAsync(TimeSpan.FromMilliseconds(20));
                await work.TimeoutAsync(TimeSpan.FromSeconds(1), _clock);
            }
        }

        class Handler
        {
            Task HandleAsync(Server server, Task work) => work.TimeoutAsync(TimeSpan.FromSeconds(2), server.Clock);
        }
        """);
}
