using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;

namespace ContextFlow.Tests.Hosting;

/// <summary>
/// A deprovisioning that races the provisioning of the same server, at every point of a slow setup or start: the
/// provisioning either completes (and its ServerProvisioned precedes the server's ServerShutDown) or fails with
/// <see cref="ProvisioningCanceledException"/> (and no ServerProvisioned is raised for it); nothing else.
/// </summary>
public sealed class ServerHostRaceTests : ContextCleanFixture
{
    private const int Trials = 1000;
    private const int AtOnce = 25;

    public enum Phase
    {
        Setup,
        Start,
    }

    [TestCase(Phase.Setup)]
    [TestCase(Phase.Start)]
    public async Task DeprovisionRacingProvision_EventsFollowTheSet_AndNoProvisioningReturnsAServerThatDidNotStart(Phase phase)
    {
        var signal = new RunningSignal();
        var host = new ServerHost(signal);
        await host.StartAsync();
        var events = new ConcurrentDictionary<Server, ConcurrentQueue<string>>();
        host.ServerProvisioned += (_, e) => events.GetOrAdd(e.Server, _ => new()).Enqueue("provisioned");
        host.ServerShutDown += (_, e) => events.GetOrAdd(e.Server, _ => new()).Enqueue("shut down");
        var outcomes = new ConcurrentQueue<(TestServer? Returned, Exception? Failure, bool Started)>();
        var built = new ConcurrentQueue<TestServer>();

        for (var batch = 0; batch < Trials / AtOnce; batch++)
        {
            await Task.WhenAll(Enumerable.Range(batch * AtOnce, AtOnce).Select(trial => RaceAsync(trial)));
        }

        await host.ShutdownAsync();

        var sequences = built.ToDictionary(s => (Server)s, s => events.TryGetValue(s, out var q) ? q.ToArray() : []);
        var returned = outcomes.Where(o => o.Returned is not null).ToList();
        var cancelled = outcomes.Where(o => o.Failure is ProvisioningCanceledException).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Where(o => o.Returned is null && o.Failure is not ProvisioningCanceledException).Select(o => o.Failure!.GetType().Name),
                Is.Empty, "a provisioning either completes or is cancelled by the shutdown that overtook it");
            Assert.That(sequences.Values.Count(s => s.Contains("provisioned") && Array.IndexOf(s, "provisioned") > Array.IndexOf(s, "shut down") && s.Contains("shut down")),
                Is.Zero, "ServerProvisioned after ServerShutDown");
            Assert.That(sequences.Values.Count(s => s.Count(e => e == "shut down") != 1), Is.Zero, "every server leaves the set once");
            Assert.That(returned.Count(o => !o.Started || sequences[o.Returned!].FirstOrDefault() != "provisioned"), Is.Zero,
                "a provisioning that returned a server that never started, or for which ServerProvisioned was not raised first");
            Assert.That(cancelled.Count(o => sequences.Any(s => s.Key.ServerName == ((ProvisioningCanceledException)o.Failure!).ServerName && s.Value.Contains("provisioned"))),
                Is.Zero, "ServerProvisioned raised for a provisioning that was cancelled");
            Assert.That(host.Servers, Is.Empty);
        });
        TestContext.Out.WriteLine($"{phase}: {returned.Count} provisioned, {cancelled.Count} overtaken");
        Assert.That((returned.Count, cancelled.Count), Is.Not.EqualTo((0, 0)));
        Assert.That(cancelled, Is.Not.Empty, "the races reached the slow step");

        async Task RaceAsync(int trial)
        {
            var random = new Random(trial);
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = false;
            Func<TestServer, CancellationToken, Task> slow = async (s, ct) =>
            {
                reached.TrySetResult();
                await s.Clock.SleepAsync(TimeSpan.FromMilliseconds(random.Next(0, 4)), ct);
            };
            var provisioning = host.ProvisionAsync(TestServer.Config($"s{trial}", TimeSpan.FromSeconds(5)), (config, running) =>
            {
                var server = new TestServer(config, TimeProvider.System, running);
                if (phase == Phase.Setup)
                {
                    server.Setup = slow;
                    server.Start = (_, _) => StartedAsync();
                }
                else
                {
                    server.Start = async (s, ct) =>
                    {
                        await slow(s, ct);
                        started = true;
                    };
                }

                built.Enqueue(server);
                return server;
            });
            var deprovisioning = DeprovisionAsync($"s{trial}", reached.Task, random);
            try
            {
                var server = await provisioning;
                outcomes.Enqueue((server, null, started));
            }
            catch (Exception ex)
            {
                outcomes.Enqueue((null, ex, started));
            }

            await deprovisioning;
            await host.DeprovisionAsync($"s{trial}");

            Task StartedAsync()
            {
                started = true;
                return Task.CompletedTask;
            }
        }

        async Task DeprovisionAsync(string name, Task reached, Random random)
        {
            // Most races meet the slow step; a few come before it, or after the provisioning is over.
            if (random.Next(10) > 0)
            {
                await reached;
            }

            for (var i = random.Next(0, 6); i > 0; i--)
            {
                await Task.Yield();
            }

            await host.DeprovisionAsync(name);
        }
    }
}
