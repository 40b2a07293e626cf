using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using ContextFlow.Tests.Support;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolTenancyTests : DatabaseFixture
{
    private const int Requests = 5;
    private const int InteractionsPerRequest = 100;

    [Test]
    public async Task ThreeServersWithConcurrentRequests_EachChargedExactlyWhatItRan()
    {
        using var metrics = new MetricsRecorder();
        var servers = new[] { "alpha.example", "beta.example", "gamma.example" };
        var pools = servers.ToDictionary(s => s, s => NewPool(s, maxPoolSize: 4));
        var totals = servers.ToDictionary(s => s, s => new LoggingContext("totals", s));
        var requests = new List<(LoggingContext Context, int Rows)>();
        var misplaced = new ConcurrentQueue<string>();

        // Every request fetches a number of rows no other request does, so a misplaced charge shows in the sums.
        for (var s = 0; s < servers.Length; s++)
        {
            for (var r = 0; r < Requests; r++)
            {
                requests.Add((new LoggingContext($"GET-{s}-{r}", servers[s], totals[servers[s]]), 1 + (s * Requests) + r));
            }
        }

        await Task.WhenAll(requests.Select(request => Task.Run(async () =>
        {
            using (request.Context.Enter())
            {
                var pool = pools[request.Context.ServerName];
                await Task.WhenAll(Enumerable.Range(0, InteractionsPerRequest).Select(_ =>
                    pool.RunInteractionAsync("fetch", (c, t, ct) =>
                    {
                        if (!ReferenceEquals(LoggingContext.Current, request.Context))
                        {
                            misplaced.Enqueue($"{request.Context} ran in {LoggingContext.Current}");
                        }

                        return t.QueryAsync("SELECT generate_series(1, $1)", row => row.GetInt32(0), [request.Rows], ct);
                    })));
            }
        })));

        Assert.Multiple(() =>
        {
            Assert.That(misplaced, Is.Empty);
            foreach (var (context, rows) in requests)
            {
                var usage = context.GetResourceUsage();
                Assert.That(usage.DbTxnCount, Is.EqualTo(InteractionsPerRequest), context.Name);
                Assert.That(usage.RowsFetched, Is.EqualTo(InteractionsPerRequest * rows), context.Name);
                Assert.That(usage.DbTxnDuration, Is.GreaterThan(TimeSpan.Zero), context.Name);
            }

            foreach (var server in servers)
            {
                var own = requests.Where(r => r.Context.ServerName == server).Select(r => r.Context.GetResourceUsage()).ToList();
                var usage = totals[server].GetResourceUsage();
                Assert.That(usage.DbTxnCount, Is.EqualTo(Requests * InteractionsPerRequest), server);
                Assert.That(usage.RowsFetched, Is.EqualTo(own.Sum(u => u.RowsFetched)), server);
                Assert.That(usage.DbTxnDuration.Ticks, Is.EqualTo(own.Sum(u => u.DbTxnDuration.Ticks)), server);
                Assert.That(usage.DbSchedDuration.Ticks, Is.EqualTo(own.Sum(u => u.DbSchedDuration.Ticks)), server);
                var counted = metrics.Measurements
                    .Where(m => m.Instrument == DatabaseTelemetry.TransactionsName && m.Tag("server_name") == server).Sum(m => m.Value);
                Assert.That(counted, Is.EqualTo(Requests * InteractionsPerRequest), server);
            }

            Assert.That(LoggingContext.Sentinel.GetResourceUsage(), Is.EqualTo(default(ResourceUsage)));
            Assert.That(Logged("sentinel"), Is.Empty);
        });
    }
}
