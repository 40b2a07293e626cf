using System;
using System.Data;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ContextFlow.Npgsql;
using ContextFlow.Time;
using Npgsql;

namespace ContextFlow.Benchmarks.Database;

/// <summary>
/// One <c>SELECT 1</c> in a transaction on a pooled connection, against a real local PostgreSQL (the one
/// <c>CONTEXTFLOW_TEST_POSTGRES</c> names; <c>Database/run.sh</c> starts a throwaway one): through
/// <see cref="DatabasePool.RunInteractionAsync{T}(string, Func{NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task{T}}, CancellationToken)"/>
/// against the same through raw Npgsql (<c>OpenConnectionAsync</c> + <c>BeginTransactionAsync</c> + command + commit).
/// </summary>
/// <remarks>
/// Both run inside the same request context (the switch costs each the same), at the same isolation level, on the same
/// data source (the raw variant uses the pool's), warmed up by the setup; both send the server the same statements. The pool's extra work is what it
/// charges: two timestamps per phase, the context's counters, the per-desc metrics and report totals, the retry loop;
/// its span and debug lines cost nothing here because nothing listens, as in a service without tracing. The rounds
/// (<see cref="Round"/>) interleave the variants in time.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class InteractionBenchmarks
{
    private const string Variable = "CONTEXTFLOW_TEST_POSTGRES";

    private static readonly Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<int>> s_selectOne =
        static async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection, transaction);
            return (int)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        };

    private static readonly Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<int>> s_selectOneWithHelper =
        static (connection, transaction, ct) => transaction.QuerySingleAsync("SELECT 1", r => r.GetInt32(0), null, ct);

    private readonly LoggingContext _request = new("GET-1", "bench.example");

    /// <summary>
    /// Not a setting: BenchmarkDotNet runs every method of round 1, then of round 2, ..., so the variants alternate in
    /// time and load that drifts on a shared machine reaches them alike. Each round has its own ratio.
    /// </summary>
    [Params(1, 2, 3, 4, 5)]
    public int Round { get; set; }
    // The pool's own data source: the raw variant differs from the pool's only by what the pool does around it.
    private NpgsqlDataSource _raw = null!;
    private Clock _clock = null!;
    private DatabasePool _pool = null!;

    [GlobalSetup]
    public void Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set: run benchmarks/ContextFlow.Benchmarks/Database/run.sh, which starts a throwaway PostgreSQL.");
        }

        _clock = new Clock(TimeProvider.System, "bench.example", new RunningSignal());
        _pool = new DatabasePool("bench.example", _clock, connectionString);
        _raw = _pool.DataSource;
        RawSelectOne().GetAwaiter().GetResult();
        RunInteractionSelectOne().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.ShutdownAsync().GetAwaiter().GetResult();
        _clock.Shutdown();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawSelectOne()
    {
        using (LoggingContext.Preserve(_request))
        {
            await using var connection = await _raw.OpenConnectionAsync().ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted).ConfigureAwait(false);
            var result = await s_selectOne(connection, transaction, CancellationToken.None).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
            return result;
        }
    }

    [Benchmark]
    public async Task<int> RunInteractionSelectOne()
    {
        using (LoggingContext.Preserve(_request))
        {
            return await _pool.RunInteractionAsync("select_one", s_selectOne).ConfigureAwait(false);
        }
    }

    [Benchmark]
    public async Task<int> RunInteractionQuerySingle()
    {
        using (LoggingContext.Preserve(_request))
        {
            return await _pool.RunInteractionAsync("select_one", s_selectOneWithHelper).ConfigureAwait(false);
        }
    }
}
