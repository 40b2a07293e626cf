using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using ContextFlow;

namespace MultiServer;

/// <summary>A room and its messages, as the API shows them.</summary>
public sealed record Room(string Id, string Name, int Messages);

/// <summary>A message in a room.</summary>
public sealed record Message(long Id, string Room, string Sender, string Text, DateTimeOffset Sent);

/// <summary>
/// One tenant's rooms and messages, kept in memory. It stands where a database would: every operation is a
/// transaction charged to the current logging context (its time, the wait for the store's lock, the rows read), so the
/// access line and the dashboard show each request's share, as they do with <c>--postgres</c> for real transactions.
/// </summary>
/// <remarks>Thread-safe: one lock, held for each operation.</remarks>
public sealed class RoomStore(int maxRooms)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Name, List<Message> Messages)> _rooms = new(StringComparer.Ordinal);
    private long _nextMessage;

    public int RoomCount => Run(() => (_rooms.Count, 0));

    public long MessageCount => Run(() => (_rooms.Values.Sum(r => (long)r.Messages.Count), 0));

    public IReadOnlyList<Room> Rooms() =>
        Run(() => (_rooms.Select(r => new Room(r.Key, r.Value.Name, r.Value.Messages.Count)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList(), _rooms.Count));

    /// <summary>Creates a room; null when the tenant has as many rooms as it may.</summary>
    public Room? CreateRoom(string name) => Run(() =>
    {
        if (_rooms.Count >= maxRooms)
        {
            return ((Room?)null, 0);
        }

        var id = Slug(name);
        for (var n = 2; _rooms.ContainsKey(id); n++)
        {
            id = $"{Slug(name)}-{n}";
        }

        _rooms[id] = (name, []);
        return (new Room(id, name, 0), 0);
    });

    /// <summary>The room's messages after <paramref name="after"/>, oldest first; null for an unknown room.</summary>
    public IReadOnlyList<Message>? Messages(string room, long after = 0, int limit = 50) => Run(() =>
    {
        if (!_rooms.TryGetValue(room, out var entry))
        {
            return ((IReadOnlyList<Message>?)null, 0);
        }

        var page = entry.Messages.Where(m => m.Id > after).Take(limit).ToList();
        return (page, page.Count);
    });

    /// <summary>Adds a message; null for an unknown room.</summary>
    public Message? Post(string room, string sender, string text) => Run(() =>
    {
        if (!_rooms.TryGetValue(room, out var entry))
        {
            return ((Message?)null, 0);
        }

        var message = new Message(Interlocked.Increment(ref _nextMessage), room, sender, text, DateTimeOffset.UtcNow);
        entry.Messages.Add(message);
        return (message, 1);
    });

    private static string Slug(string name)
    {
        var slug = new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        return slug.Length == 0 ? "room" : slug;
    }

    // One "transaction": the wait for the lock is the connection wait, the time under it the transaction's.
    private T Run<T>(Func<(T Result, int Rows)> operation)
    {
        var context = LoggingContext.Current;
        var waitStarted = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var started = Stopwatch.GetTimestamp();
            var (result, rows) = operation();
            if (!context.IsSentinel)
            {
                context.RecordDatabaseScheduled(Stopwatch.GetElapsedTime(waitStarted, started));
                context.RecordDatabaseTransaction(Stopwatch.GetElapsedTime(started));
                context.RecordRowsFetched(rows);
            }

            return result;
        }
    }
}
