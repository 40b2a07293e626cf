using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Orleans.Tests.Support;

namespace ContextFlow.Orleans.Tests;

/// <summary>
/// Orleans runs every grain call on its activation's scheduler, on whichever pool thread is free, so tenant calls and
/// calls to plain grains take turns on the same threads of a silo. No tenant's context may survive its call on a
/// thread: a plain grain must see the sentinel at the start of its call and after a yield, and a tenant must see its
/// own context and request, never another's.
/// </summary>
public sealed class ContextIsolationStressTests : ClusterFixture
{
    private const int Rounds = 30;
    private const int TenantsPerRound = 60;
    private const int ProbesPerRound = 120;

    [Test]
    public async Task TenantAndPlainGrainCalls_InterleavedOnSharedSiloThreads_NoContextLeaksIntoAnotherCall()
    {
        var tenantThreads = new HashSet<int>();
        var probeThreads = new HashSet<int>();
        var wrong = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var tenants = Enumerable.Range(0, TenantsPerRound).Select(i =>
            {
                var request = $"r{round}-{i}";
                var name = $"x{(round * 7 + i) % 90:00}.example";
                var peer = $"x{(round * 7 + i + 1) % 90:00}.example";
                return InRequestAsync(request, () => Cluster.Client.GetGrain<ITestTenant>(name).HandleAsync(request, peer, i % 40));
            }).ToArray();
            var probes = Enumerable.Range(0, ProbesPerRound).Select(i => Cluster.Client.GetGrain<IProbe>(i % 40).CheckAsync()).ToArray();
            await Task.WhenAll(Task.WhenAll(tenants), Task.WhenAll(probes));

            foreach (var seen in tenants.Select(t => t.Result))
            {
                tenantThreads.Add(seen.ThreadId);
                probeThreads.Add(seen.Probe!.ThreadId);
                if (seen.ContextServer != seen.Tenant || seen.Peer!.ContextServer != seen.Peer.Tenant || seen.Peer.RequestId != seen.RequestId ||
                    !seen.SameContextAfterAwaits || !seen.Peer.SameContextAfterAwaits || seen.Probe.Leaked is not null)
                {
                    wrong.Add($"{seen.Tenant} in {seen.ContextServer}/{seen.ContextName} ({seen.RequestId}); peer {seen.Peer!.Tenant} in {seen.Peer.ContextServer} ({seen.Peer.RequestId}); probe saw {seen.Probe!.Leaked}");
                }
            }

            foreach (var seen in probes.Select(p => p.Result))
            {
                probeThreads.Add(seen.ThreadId);
                if (seen.Leaked is not null)
                {
                    wrong.Add($"a plain grain's call from the client ran in {seen.Leaked}");
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(wrong, Is.Empty, $"{wrong.Count} of {Rounds * (TenantsPerRound + ProbesPerRound)} calls saw a context not their own");
            Assert.That(tenantThreads.Intersect(probeThreads).Count(), Is.GreaterThan(1), "tenant and plain calls ran on the same threads");
        });
    }
}
