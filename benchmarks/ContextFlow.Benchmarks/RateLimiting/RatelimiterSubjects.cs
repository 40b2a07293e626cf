using System;
using System.Reflection;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using ContextFlow.RateLimiting;
using ContextFlow.Time;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// The three limiters measured side by side, configured alike: ContextFlow's <see cref="Ratelimiter{TKey}"/>, .NET's
/// <see cref="PartitionedRateLimiter"/> with a token bucket per key, and the full-scan design the wheel replaced.
/// </summary>
internal static class RatelimiterSubjects
{
    /// <summary>Acquire runs: every call is allowed, so both sides take their success path.</summary>
    public const double BusyRateHz = 1;

    public const int BusyBurst = 1_000_000_000;

    /// <summary>Idle runs: one action per key keeps every key live for an hour, so nothing is due.</summary>
    public const double IdleRateHz = 1.0 / 3600;

    public const int IdleBurst = 10;

    public static long[] ShuffledKeys(int count, int seed = 42)
    {
        var keys = new long[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = i;
        }

        new Random(seed).Shuffle(keys);
        return keys;
    }

    public static long SystemNowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>On the system clock, pruning every 15 s as a looping call of that clock, as a server would have it.</summary>
    public static Ratelimiter<long> ContextFlow(double rateHz, double burst) =>
        new(new Clock(TimeProvider.System, "bench.example"), "bench", rateHz, burst);

    public static FullScanRatelimiter<long> FullScan(double rateHz, double burst, Func<long>? nowMs = null) =>
        new(nowMs ?? SystemNowMs, rateHz, burst, pruneInterval: TimeSpan.FromSeconds(15));

    /// <summary>The documented way: one token bucket per key, replenished by the partitioned limiter's 100 ms heartbeat.</summary>
    public static PartitionedRateLimiter<long> Partitioned(int tokenLimit, TimeSpan replenishmentPeriod) =>
        PartitionedRateLimiter.Create<long, long>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Options(tokenLimit, replenishmentPeriod)));

    /// <summary>
    /// The same limiter with its heartbeat timer parked, plus its heartbeat as a callable, so that one heartbeat can be
    /// timed without the timer's own heartbeats running alongside. Reaches the implementation's test constructor and
    /// private heartbeat by reflection; it fails loudly if the runtime's internals ever move.
    /// </summary>
    public static (PartitionedRateLimiter<long> Limiter, Func<Task> Heartbeat) PartitionedWithManualHeartbeat(
        int tokenLimit, TimeSpan replenishmentPeriod)
    {
        Func<long, RateLimitPartition<long>> partitioner =
            key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Options(tokenLimit, replenishmentPeriod));
        var type = typeof(PartitionedRateLimiter).Assembly
            .GetType("System.Threading.RateLimiting.DefaultPartitionedRateLimiter`2", throwOnError: true)!
            .MakeGenericType(typeof(long), typeof(long));
        var constructor = type.GetConstructor(
            BindingFlags.Instance | BindingFlags.NonPublic,
            [typeof(Func<long, RateLimitPartition<long>>), typeof(System.Collections.Generic.IEqualityComparer<long>), typeof(TimeSpan)])
            ?? throw new InvalidOperationException("PartitionedRateLimiter's test constructor is gone");
        var limiter = (PartitionedRateLimiter<long>)constructor.Invoke([partitioner, null, TimeSpan.FromDays(1)]);
        var heartbeat = type.GetMethod("Heartbeat", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("PartitionedRateLimiter's heartbeat is gone");
        return (limiter, heartbeat.CreateDelegate<Func<Task>>(limiter));
    }

    /// <summary>Time that moves only when told: the same milliseconds as wall clock and monotonic timestamp.</summary>
    public sealed class ManualTime : TimeProvider
    {
        public long NowMs { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => NowMs * TimeSpan.TicksPerMillisecond;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
    }

    private static TokenBucketRateLimiterOptions Options(int tokenLimit, TimeSpan replenishmentPeriod) => new()
    {
        TokenLimit = tokenLimit,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = replenishmentPeriod,
        QueueLimit = 0,
        AutoReplenishment = false,
    };
}
