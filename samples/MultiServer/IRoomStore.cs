using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MultiServer;

/// <summary>
/// Where one tenant keeps its rooms and messages: in memory by default (<see cref="RoomStore"/>), in PostgreSQL with
/// <c>--postgres</c> (<see cref="PostgresRoomStore"/>). Either charges its work to the calling request's context, so the
/// access line shows each request's transactions, their time, the connection wait and the rows.
/// </summary>
public interface IRoomStore
{
    Task<IReadOnlyList<Room>> RoomsAsync(CancellationToken cancellationToken);

    /// <summary>Creates a room; null when the tenant has as many rooms as it may.</summary>
    Task<Room?> CreateRoomAsync(string name, CancellationToken cancellationToken);

    /// <summary>The room's messages after <paramref name="after"/>, oldest first; null for an unknown room.</summary>
    Task<IReadOnlyList<Message>?> MessagesAsync(string room, long after, CancellationToken cancellationToken);

    /// <summary>Adds a message; null for an unknown room.</summary>
    Task<Message?> PostAsync(string room, string sender, string text, CancellationToken cancellationToken);

    /// <summary>How many rooms and messages the tenant has.</summary>
    Task<(int Rooms, long Messages)> CountsAsync(CancellationToken cancellationToken);
}
