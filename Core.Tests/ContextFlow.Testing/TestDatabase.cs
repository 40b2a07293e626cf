using System;
using System.Threading.Tasks;
using Npgsql;

namespace ContextFlow.Npgsql.Tests.Support;

/// <summary>
/// The real PostgreSQL the tests run against: <c>CONTEXTFLOW_TEST_POSTGRES</c>, a connection string that
/// <c>./test.sh</c> sets after starting a throwaway server. Without it, or when it cannot be reached, every database
/// test fails with a message saying so: these tests are never skipped and never run against anything else.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "CONTEXTFLOW_TEST_POSTGRES";

    private static readonly Lazy<Task<string?>> s_problem = new(FindProblemAsync);

    /// <summary>The connection string; only valid once <see cref="EnsureAvailableAsync"/> has passed.</summary>
    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? string.Empty;

    /// <summary>The connection string with a pool size of its own.</summary>
    public static string WithPoolSize(int maxPoolSize) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPoolSize }.ConnectionString;

    /// <summary>Fails the calling test (or fixture) unless the database answers.</summary>
    public static async Task EnsureAvailableAsync()
    {
        if (await s_problem.Value.ConfigureAwait(false) is { } problem)
        {
            Assert.Fail(problem);
        }
    }

    private static async Task<string?> FindProblemAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"{Variable} is not set, so there is no PostgreSQL to test against. Run ./test.sh, which starts a " +
                   $"throwaway PostgreSQL (installing it with apt when missing), or set {Variable} to a connection string.";
        }

        string where;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            where = $"{builder.Host}:{builder.Port}";
        }
        catch (ArgumentException ex)
        {
            return $"{Variable} is not a valid Npgsql connection string: {ex.Message}";
        }

        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync().ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return $"The PostgreSQL named by {Variable} ({where}) does not answer: {ex.Message}";
        }
    }
}
