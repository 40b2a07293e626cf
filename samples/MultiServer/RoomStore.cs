using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow;

namespace MultiServer;

/// <summary>A room and its messages, as the API shows them.</summary>
public sealed record Room(string Id, string Name, int Messages);

/// <summary>A message in a room.</summary>
public sealed record Message(long Id, string Room, string Sender, string Text, DateTimeOffset Sent);

/// <summary>
/// One tenant's rooms and messages, kept in memory. Nothing here is a database, so the access line shows no database
/// time for it; with <c>--postgres</c> the rooms are kept in PostgreSQL and every operation is a real transaction,
/// charged to the request that made it.
/// </summary>
/// <remarks>Thread-safe: one lock, held for each operation.</remarks>
public sealed class RoomStore(int maxRooms) : IRoomStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Name, List<Message> Messages)> _rooms = new(StringComparer.Ordinal);
    private long _nextMessage;

    public Task<(int Rooms, long Messages)> CountsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Run(() => (_rooms.Count, _rooms.Values.Sum(r => (long)r.Messages.Count))));

    public Task<IReadOnlyList<Room>> RoomsAsync(CancellationToken cancellationToken) => Task.FromResult(Rooms());

    public Task<Room?> CreateRoomAsync(string name, CancellationToken cancellationToken) => Task.FromResult(CreateRoom(name));

    public Task<IReadOnlyList<Message>?> MessagesAsync(string room, long after, CancellationToken cancellationToken) =>
        Task.FromResult(Messages(room, after));

    public Task<Message?> PostAsync(string room, string sender, string text, CancellationToken cancellationToken) =>
        Task.FromResult(Post(room, sender, text));

    public IReadOnlyList<Room> Rooms() =>
        Run(() => _rooms.Select(r => new Room(r.Key, r.Value.Name, r.Value.Messages.Count)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList());

    public Room? CreateRoom(string name) => Run(() =>
    {
        if (_rooms.Count >= maxRooms)
        {
            return null;
        }

        var id = Slug(name);
        for (var n = 2; _rooms.ContainsKey(id); n++)
        {
            id = $"{Slug(name)}-{n}";
        }

        _rooms[id] = (name, []);
        return new Room(id, name, 0);
    });

    public IReadOnlyList<Message>? Messages(string room, long after = 0, int limit = 50) => Run(() =>
    {
        if (!_rooms.TryGetValue(room, out var entry))
        {
            return null;
        }

        var page = entry.Messages.Where(m => m.Id > after).Take(limit).ToList();
        return page;
    });

    public Message? Post(string room, string sender, string text) => Run(() =>
    {
        if (!_rooms.TryGetValue(room, out var entry))
        {
            return null;
        }

        var message = new Message(Interlocked.Increment(ref _nextMessage), room, sender, text, DateTimeOffset.UtcNow);
        entry.Messages.Add(message);
        return message;
    });

    internal static string Slug(string name)
    {
        var slug = new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        return slug.Length == 0 ? "room" : slug;
    }

    // In memory: no database, so nothing is charged as database time (the PostgreSQL store's interactions are).
    private T Run<T>(Func<T> operation)
    {
        lock (_gate)
        {
            return operation();
        }
    }
}
