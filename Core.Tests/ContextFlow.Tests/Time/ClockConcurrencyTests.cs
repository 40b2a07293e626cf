using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Time;

/// <summary>Many requests of several servers scheduling at once: every callback is attributed to its clock's server.</summary>
public sealed class ClockConcurrencyTests : ContextCleanFixture
{
    [Test]
    public async Task TenThousandCallLatersFromConcurrentRequests_RunAsCallLaterOfTheirServer_ShutDownOnesNeverRun()
    {
        const int Requests = 100;
        const int CallsPerRequest = 100;
        var time = new FakeTimeProvider();
        var clocks = Enumerable.Range(0, 4).Select(i => new Clock(time, $"server-{i}.example", new RunningSignal())).ToArray();
        var fired = new ConcurrentQueue<(string Expected, string Name, string ServerName, bool HasParent, RequestInfo? Request)>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var requests = Enumerable.Range(0, Requests).Select(r => Task.Run(async () =>
        {
            var clock = clocks[r % clocks.Length];
            using (new LoggingContext($"POST-{r}", clock.ServerName, request: new RequestInfo($"POST-{r}")).Enter())
            {
                await start.Task;
                for (var c = 0; c < CallsPerRequest; c++)
                {
                    // Even calls fall due before shutdown, odd ones after it.
                    var delay = c % 2 == 0 ? TimeSpan.FromSeconds(1 + (c % 7)) : TimeSpan.FromHours(1);
                    clock.CallLater(delay, () =>
                    {
                        var current = LoggingContext.Current;
                        fired.Enqueue((clock.ServerName, current.Name, current.ServerName, current.Parent is not null, current.Request));
                    });
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(requests);

        Assert.That(clocks.Sum(c => c.TrackedDelayedCallCount), Is.EqualTo(Requests * CallsPerRequest));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(fired, Has.Count.EqualTo(Requests * CallsPerRequest / 2));
        Assert.That(fired, Is.All.Matches<(string Expected, string Name, string ServerName, bool HasParent, RequestInfo? Request)>(
            f => f.Name == "call_later" && f.ServerName == f.Expected && !f.HasParent && f.Request is null));

        foreach (var clock in clocks)
        {
            clock.Shutdown();
        }

        time.Advance(TimeSpan.FromHours(2));
        Assert.That(fired, Has.Count.EqualTo(Requests * CallsPerRequest / 2), "calls shut down before they were due never run");
        Assert.That(clocks.Sum(c => c.TrackedDelayedCallCount), Is.Zero);
    }
}
