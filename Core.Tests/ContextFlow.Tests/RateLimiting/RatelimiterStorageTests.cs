using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.RateLimiting;
using ContextFlow.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.RateLimiting;

/// <summary>The sharded table and the wheel under load: exact counts across threads, and agreement with the reference arithmetic.</summary>
public sealed class RatelimiterStorageTests : ContextCleanFixture
{
    [Test]
    public void EightThreadsOnTenThousandKeys_NeverGetMoreThanTheBucketPermits()
    {
        const int keys = 10_000;
        const int burst = 5;
        const int threads = 8;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new Ratelimiter<int>(time, "test", 0.1, burst, null, null);
        var allowed = new int[keys];
        using var start = new Barrier(threads);

        Task.WaitAll(StartCheckers(limiter, threads, allowed, start, pass => pass < burst + 2));

        Assert.Multiple(() =>
        {
            Assert.That(allowed.Sum(), Is.EqualTo(keys * burst));
            Assert.That(allowed.Where(n => n != burst), Is.Empty);
            Assert.That(limiter.Count, Is.EqualTo(keys));
        });
    }

    // Checks on remembered keys take only their slot's lock, while keys added, refunded away and pruned move and
    // copy the slots under them: no check may be lost or counted twice, whichever table the checker was reading.
    [TestCase(false, TestName = "ChecksWhileTablesGrowAndShrink_CountEveryActionOnce")]
    [TestCase(true, TestName = "ChecksWhileDeletionsShiftTheirKeys_CountEveryActionOnce")]
    public void ChecksWhileOtherKeysComeAndGo_CountEveryActionOnce(bool colliding)
    {
        const int keys = 2_000;
        const int burst = 5;
        const int checkers = 4;
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new Ratelimiter<int>(time, "test", 0.1, burst, null, colliding ? new CollidingComparer() : null);
        var allowed = new int[keys];
        var rounds = 0;
        using var start = new Barrier(checkers + 1);
        using var done = new CancellationTokenSource();

        var churn = Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var round = 0; !done.IsCancellationRequested; round++)
                {
                    // New keys force inserts (and, without collisions, resizes); refunding them drops them again,
                    // shifting later keys back; pruning then shrinks the emptied tables.
                    var first = keys + ((round % 4) * 20_000);
                    var count = colliding ? 200 : 20_000;
                    for (var key = first; key < first + count; key++)
                    {
                        limiter.CanDoAction(key);
                    }

                    for (var key = first; key < first + count; key++)
                    {
                        limiter.RecordAction(key, -burst);
                    }

                    limiter.PruneNow();
                    Interlocked.Increment(ref rounds);
                }
            },
            TaskCreationOptions.LongRunning);

        Task.WaitAll(StartCheckers(limiter, checkers, allowed, start, pass => pass < burst + 2 || Volatile.Read(ref rounds) < 3));
        done.Cancel();
        churn.Wait();

        Assert.Multiple(() =>
        {
            Assert.That(rounds, Is.GreaterThanOrEqualTo(3));
            Assert.That(allowed.Where(n => n != burst), Is.Empty);
            Assert.That(limiter.Count, Is.EqualTo(keys));
            Assert.That(Enumerable.Range(0, keys).Where(key => limiter.CanDoAction(key, update: false).Allowed), Is.Empty);
        });
    }

    [Test]
    public void RandomOperations_OnCollidingKeys_MatchTheReferenceArithmetic()
    {
        // A hash with few distinct values makes long probe runs, so every insert, refund and drop moves entries.
        var comparer = new CollidingComparer();
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new Ratelimiter<int>(time, "test", 0.5, 3, null, comparer);
        var model = new ReferenceModel(0.5, 3);
        var random = new Random(1234);

        for (var step = 0; step < 50_000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 40)));
            var nowS = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            var key = random.Next(0, 3000);
            if (random.Next(10) == 0)
            {
                var n = random.Next(-3, 4);
                limiter.RecordAction(key, n);
                model.RecordAction(nowS, key, n);
            }
            else
            {
                double? rate = random.Next(8) == 0 ? 2.0 : null;
                var update = random.Next(5) != 0;
                var n = random.Next(0, 4);
                var expected = model.CanDoAction(nowS, key, rate, update, n);
                var actual = limiter.CanDoAction(key, rateHz: rate, update: update, nActions: n);
                Assert.That(actual, Is.EqualTo(expected), $"step {step}, key {key}");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(limiter.Count, Is.EqualTo(model.Keys.Count));
            Assert.That(Enumerable.Range(0, 3000).Where(limiter.ContainsKey), Is.EquivalentTo(model.Keys));
        });
    }

    [Test]
    public void Prune_ForgetsOnlyEmptiedKeys_AndGivesMemoryBack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new Ratelimiter<int>(time, "test", 0.1, 1, null, null);
        for (var key = 0; key < 20_000; key++)
        {
            limiter.CanDoAction(key);
        }

        time.Advance(TimeSpan.FromSeconds(8));
        limiter.CanDoAction(-1);
        limiter.RecordAction(-2, 3);
        Assert.That(limiter.PruneNow(), Is.Zero);

        time.Advance(TimeSpan.FromSeconds(7));
        var removed = limiter.PruneNow();

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(20_000));
            Assert.That(limiter.ContainsKey(-1), Is.True, "used at 8 s, empty only at 18 s");
            Assert.That(limiter.ContainsKey(-2), Is.True);
            Assert.That(limiter.Count, Is.EqualTo(2));
        });

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(limiter.PruneNow(), Is.EqualTo(2));
        Assert.That(limiter.Count, Is.Zero);
    }

    [Test]
    public void Prune_KeepsABusyKey_UntilItsBucketEmpties()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new Ratelimiter<string>(time, "test", 1, 100, null, null);

        for (var second = 0; second < 60; second++)
        {
            Assert.That(limiter.CanDoAction("busy").Allowed, Is.True);
            limiter.PruneNow();
            Assert.That(limiter.ContainsKey("busy"), Is.True, $"at {second} s");
            time.Advance(TimeSpan.FromSeconds(0.5));
        }

        time.Advance(TimeSpan.FromSeconds(40));
        limiter.PruneNow();
        Assert.That(limiter.ContainsKey("busy"), Is.False);
    }

    [Test]
    public void Prune_AVerySlowRate_IsRescheduledUntilEmpty()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var limiter = new Ratelimiter<string>(time, "test", 1.0 / 3600, 5, null, null);
        limiter.CanDoAction("slow");

        for (var minutes = 0; minutes < 59; minutes++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            limiter.PruneNow();
            Assert.That(limiter.ContainsKey("slow"), Is.True, $"after {minutes + 1} min");
        }

        time.Advance(TimeSpan.FromMinutes(11));
        limiter.PruneNow();
        Assert.That(limiter.ContainsKey("slow"), Is.False);
    }

    // Each thread checks every key (0 .. allowed.Length - 1) once per pass, in its own shuffled order, for as long as
    // morePasses says, counting the allowed checks per key.
    private static Task[] StartCheckers(
        Ratelimiter<int> limiter, int threads, int[] allowed, Barrier start, Func<int, bool> morePasses) =>
        Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                var order = Enumerable.Range(0, allowed.Length).ToArray();
                new Random(t).Shuffle(order);
                start.SignalAndWait();
                for (var pass = 0; morePasses(pass); pass++)
                {
                    foreach (var key in order)
                    {
                        if (limiter.CanDoAction(key).Allowed)
                        {
                            Interlocked.Increment(ref allowed[key]);
                        }
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

    private sealed class CollidingComparer : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => x == y;

        public int GetHashCode(int obj) => obj % 37;
    }

    // The reference's arithmetic, restated plainly over a dictionary, without pruning.
    private sealed class ReferenceModel(double rateHz, double burstCount)
    {
        private readonly Dictionary<int, (long Count, double Start, double Rate)> _actions = new();

        public ICollection<int> Keys => _actions.Keys;

        public (bool, double) CanDoAction(double now, int key, double? rate, bool update, int n)
        {
            var r = rate ?? rateHz;
            var (count, start, _) = _actions.TryGetValue(key, out var s) ? s : (0, now, r);
            var performed = count - ((now - start) * r);
            if (performed < 0)
            {
                performed = 0;
                count = 0;
                start = now;
            }

            var allowed = !(performed > burstCount - n);
            if (allowed)
            {
                count += n;
                if (update)
                {
                    Store(key, count, start, r, now);
                }
            }

            var timeAllowed = start + ((count - burstCount + 1) / r);
            return (allowed, timeAllowed < now ? now : timeAllowed);
        }

        public void RecordAction(double now, int key, int n)
        {
            var (count, start, rate) = _actions.TryGetValue(key, out var s) ? s : (0, now, rateHz);
            Store(key, count + n, start, rate, now);
        }

        private void Store(int key, long count, double start, double rate, double now)
        {
            if (start + (count / rate) <= now)
            {
                _actions.Remove(key);
            }
            else
            {
                _actions[key] = (count, start, rate);
            }
        }
    }
}
