using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Time;

/// <summary>
/// Fake time stays deterministic with everything a server runs on one clock: sleeping background processes and
/// looping calls, time advanced from the sentinel in steps of their interval. Every tick runs, once, in its own fresh
/// context, and nothing is reported (the fixture fails the test on any <see cref="LoggingContext.Errors"/> report).
/// </summary>
public sealed class ClockFakeTimeTests : ContextCleanFixture
{
    private const int Rounds = 8;
    private const int Steps = 2000;
    private const int Loops = 3;
    private const int Sleepers = 3;

    [Test]
    public async Task SleepingProcessesAndLoopingCalls_TimeAdvancedInStepsFromTheSentinel_EveryTickRuns()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var time = new FakeTimeProvider();
            var signal = new RunningSignal();
            var clock = new Clock(time, "hs", signal);
            var processes = new BackgroundProcesses(clock);
            var step = TimeSpan.FromMilliseconds(1);
            var ticks = new int[Loops];
            var wrongContexts = 0;
            for (var i = 0; i < Loops; i++)
            {
                var loop = i;
                clock.LoopingCall(step, () =>
                {
                    if (LoggingContext.Current.Name != "looping_call")
                    {
                        Interlocked.Increment(ref wrongContexts);
                    }

                    ticks[loop]++;
                });
            }

            var wakes = new int[Sleepers];
            var sleepers = Enumerable.Range(0, Sleepers).Select(i => processes.RunAsBackgroundProcess("sleeper", async ct =>
            {
                var own = LoggingContext.Current;
                while (true)
                {
                    await clock.SleepAsync(step, ct);
                    if (!ReferenceEquals(LoggingContext.Current, own))
                    {
                        Interlocked.Increment(ref wrongContexts);
                    }

                    Interlocked.Increment(ref wakes[i]);
                }
            })).ToArray();

            for (var s = 0; s < Steps; s++)
            {
                time.Advance(step);
            }

            await processes.ShutdownAsync(TimeSpan.FromSeconds(30));
            clock.Shutdown();
            await Task.WhenAll(sleepers);

            Assert.That(ticks, Is.All.EqualTo(Steps), $"round {round}: ticks of each loop");
            Assert.That(wakes, Is.All.EqualTo(Steps), $"round {round}: wakes of each sleeper");
            Assert.That(wrongContexts, Is.Zero);
        }
    }
}
