using System.Collections.Generic;
using System.Threading.Tasks;
using Npgsql;

namespace ContextFlow.Orleans.Tests.Support;

/// <summary>
/// The PostgreSQL schema Orleans' ADO.NET clustering needs, created in a schema of its own for one test run: the
/// <c>OrleansQuery</c> table Orleans reads its statements from (by key), the two membership tables those statements use,
/// and the statements.
/// </summary>
/// <remarks>
/// Orleans fixes only the contract: the query keys, the parameter names it binds (<c>@DeploymentId</c>, <c>@Address</c>,
/// ...), the column names it reads back, and "a single row with a count above 0" for success. This is an
/// implementation of that contract written for the tests, with plain statements (data-modifying CTEs) where the
/// Orleans repository's scripts use PL/pgSQL functions; production deployments use those scripts
/// (<c>PostgreSQL-Main.sql</c>, <c>PostgreSQL-Clustering.sql</c>). The membership version moves only together with the
/// row change it guards, in one statement, so a silo that read a stale version changes nothing and Orleans retries.
/// </remarks>
internal static class MembershipSchema
{
    private const string Tables = """
        CREATE TABLE OrleansQuery (QueryKey varchar(64) PRIMARY KEY, QueryText text NOT NULL);
        CREATE TABLE membership_version (
            deployment_id text PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            changed_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE membership_silo (
            deployment_id text NOT NULL REFERENCES membership_version,
            address text NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name text NOT NULL,
            host_name text NOT NULL,
            status integer NOT NULL,
            proxy_port integer,
            suspect_times text,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation));
        """;

    private const string Columns = """
        v.deployment_id AS DeploymentId, s.address AS Address, s.port AS Port, s.generation AS Generation,
        s.silo_name AS SiloName, s.host_name AS HostName, s.status AS Status, s.proxy_port AS ProxyPort,
        s.suspect_times AS SuspectTimes, s.start_time AS StartTime, s.i_am_alive_time AS IAmAliveTime, v.version AS Version
        """;

    private const string ThisSilo = "s.address = @Address AND s.port = @Port AND s.generation = @Generation";

    private static readonly Dictionary<string, string> s_queries = new()
    {
        ["InsertMembershipVersionKey"] = """
            WITH inserted AS (INSERT INTO membership_version (deployment_id) VALUES (@DeploymentId) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM inserted
            """,
        ["InsertMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (SELECT 1 FROM membership_silo s WHERE s.deployment_id = @DeploymentId AND {ThisSilo})
                RETURNING deployment_id),
            inserted AS (
                INSERT INTO membership_silo (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM bumped
                RETURNING 1)
            SELECT count(*)::int FROM inserted
            """,
        ["UpdateMembershipKey"] = $"""
            WITH bumped AS (
                UPDATE membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND EXISTS (SELECT 1 FROM membership_silo s WHERE s.deployment_id = @DeploymentId AND {ThisSilo})
                RETURNING deployment_id),
            updated AS (
                UPDATE membership_silo s SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM bumped WHERE s.deployment_id = bumped.deployment_id AND {ThisSilo}
                RETURNING 1)
            SELECT count(*)::int FROM updated
            """,
        ["UpdateIAmAlivetimeKey"] = $"""
            UPDATE membership_silo s SET i_am_alive_time = @IAmAliveTime WHERE s.deployment_id = @DeploymentId AND {ThisSilo}
            """,
        ["MembershipReadRowKey"] = $"""
            SELECT {Columns} FROM membership_version v
            LEFT JOIN membership_silo s ON s.deployment_id = v.deployment_id AND {ThisSilo}
            WHERE v.deployment_id = @DeploymentId
            """,
        ["MembershipReadAllKey"] = $"""
            SELECT {Columns} FROM membership_version v
            LEFT JOIN membership_silo s ON s.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM membership_silo WHERE deployment_id = @DeploymentId;
            DELETE FROM membership_version WHERE deployment_id = @DeploymentId
            """,
        ["GatewaysQueryKey"] = """
            SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation FROM membership_silo
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
            """,
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM membership_silo WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3
            """,
    };

    /// <summary>Creates <paramref name="schema"/> with the tables and statements; returns a connection string that uses it.</summary>
    public static async Task<string> CreateAsync(string connectionString, string schema)
    {
        var inSchema = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
        await using (var admin = NpgsqlDataSource.Create(connectionString))
        {
            await admin.CreateCommand($"CREATE SCHEMA {schema}").ExecuteNonQueryAsync();
        }

        await using var source = NpgsqlDataSource.Create(inSchema);
        await source.CreateCommand(Tables).ExecuteNonQueryAsync();
        foreach (var (key, text) in s_queries)
        {
            await using var insert = source.CreateCommand("INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($1, $2)");
            insert.Parameters.AddWithValue(key);
            insert.Parameters.AddWithValue(text);
            await insert.ExecuteNonQueryAsync();
        }

        return inSchema;
    }

    public static async Task DropAsync(string connectionString, string schema)
    {
        await using var admin = NpgsqlDataSource.Create(connectionString);
        await admin.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE").ExecuteNonQueryAsync();
    }

    /// <summary>The status of every silo row of the cluster, by silo name (Orleans' <c>SiloStatus</c>: 3 active, 6 dead).</summary>
    public static async Task<Dictionary<string, int>> StatusesAsync(string inSchema, string clusterId)
    {
        await using var source = NpgsqlDataSource.Create(inSchema);
        await using var query = source.CreateCommand("SELECT silo_name, status FROM membership_silo WHERE deployment_id = $1");
        query.Parameters.AddWithValue(clusterId);
        await using var reader = await query.ExecuteReaderAsync();
        var statuses = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            statuses[reader.GetString(0)] = reader.GetInt32(1);
        }

        return statuses;
    }
}
