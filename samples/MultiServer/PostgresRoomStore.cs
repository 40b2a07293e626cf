using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Npgsql;
using Npgsql;

namespace MultiServer;

/// <summary>
/// One tenant's rooms and messages in PostgreSQL (<c>--postgres CONNECTION</c>), through the tenant's own
/// <see cref="DatabasePool"/>: every call is one interaction, charged to the request that made it. Tenants share the
/// tables and are told apart by a <c>server</c> column.
/// </summary>
public sealed class PostgresRoomStore(DatabasePool pool, string serverName, int maxRooms) : IRoomStore
{
    // Tenants set up at the same time would race on CREATE TABLE IF NOT EXISTS; a transaction lock orders them.
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7264553);
        CREATE TABLE IF NOT EXISTS rooms (server text NOT NULL, id text NOT NULL, name text NOT NULL, PRIMARY KEY (server, id));
        CREATE TABLE IF NOT EXISTS messages (id bigserial PRIMARY KEY, server text NOT NULL, room text NOT NULL,
            sender text NOT NULL, body text NOT NULL, sent timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS messages_by_room ON messages (server, room, id);
        """;

    /// <summary>Creates the tables when missing and the tenant's lobby.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken) => pool.RunInteractionAsync("migrate", async (_, transaction, ct) =>
    {
        await transaction.ExecuteAsync(Schema, cancellationToken: ct);
        return await transaction.ExecuteAsync(
            "INSERT INTO rooms (server, id, name) VALUES ($1, 'lobby', 'lobby') ON CONFLICT DO NOTHING", [serverName], ct);
    }, cancellationToken);

    public Task<IReadOnlyList<Room>> RoomsAsync(CancellationToken cancellationToken) => pool.RunInteractionAsync("get_rooms", (_, transaction, ct) =>
        transaction.QueryAsync(
            "SELECT r.id, r.name, (SELECT count(*) FROM messages m WHERE m.server = r.server AND m.room = r.id)::int FROM rooms r WHERE r.server = $1 ORDER BY r.id",
            r => new Room(r.GetString(0), r.GetString(1), r.GetInt32(2)), [serverName], ct), cancellationToken);

    public Task<Room?> CreateRoomAsync(string name, CancellationToken cancellationToken) => pool.RunInteractionAsync("create_room", async (_, transaction, ct) =>
    {
        var count = await transaction.QuerySingleAsync("SELECT count(*)::int FROM rooms WHERE server = $1", r => r.GetInt32(0), [serverName], ct);
        if (count >= maxRooms)
        {
            return null;
        }

        var slug = RoomStore.Slug(name);
        for (var n = 1; ; n++)
        {
            var id = n == 1 ? slug : $"{slug}-{n}";
            if (await transaction.ExecuteAsync("INSERT INTO rooms (server, id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [serverName, id, name], ct) == 1)
            {
                return (Room?)new Room(id, name, 0);
            }
        }
    }, cancellationToken);

    public Task<IReadOnlyList<Message>?> MessagesAsync(string room, long after, CancellationToken cancellationToken) =>
        pool.RunInteractionAsync("get_messages", async (_, transaction, ct) =>
        {
            if (!await ExistsAsync(transaction, room, ct))
            {
                return null;
            }

            return (IReadOnlyList<Message>?)await transaction.QueryAsync(
                "SELECT id, sender, body, sent FROM messages WHERE server = $1 AND room = $2 AND id > $3 ORDER BY id LIMIT 50",
                r => new Message(r.GetInt64(0), room, r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)), [serverName, room, after], ct);
        }, cancellationToken);

    public Task<Message?> PostAsync(string room, string sender, string text, CancellationToken cancellationToken) =>
        pool.RunInteractionAsync("post_message", async (_, transaction, ct) =>
        {
            if (!await ExistsAsync(transaction, room, ct))
            {
                return null;
            }

            return (Message?)await transaction.QuerySingleAsync(
                "INSERT INTO messages (server, room, sender, body) VALUES ($1, $2, $3, $4) RETURNING id, sent",
                r => new Message(r.GetInt64(0), room, sender, text, r.GetFieldValue<DateTimeOffset>(1)), [serverName, room, sender, text], ct);
        }, cancellationToken);

    public Task<(int Rooms, long Messages)> CountsAsync(CancellationToken cancellationToken) => pool.RunInteractionAsync("count", (_, transaction, ct) =>
        transaction.QuerySingleAsync(
            "SELECT (SELECT count(*) FROM rooms WHERE server = $1)::int, (SELECT count(*) FROM messages WHERE server = $1)",
            r => (r.GetInt32(0), r.GetInt64(1)), [serverName], ct), cancellationToken);

    private Task<bool> ExistsAsync(NpgsqlTransaction transaction, string room, CancellationToken ct) =>
        transaction.QuerySingleAsync("SELECT EXISTS (SELECT 1 FROM rooms WHERE server = $1 AND id = $2)", r => r.GetBoolean(0), [serverName, room], ct);
}
