using System.Threading;
using System.Threading.Tasks;

namespace ContextFlow.Hosting;

/// <summary>
/// A directory of servers: reads the configuration of one server by its name. One contract for every host that builds
/// servers on demand: a <see cref="ServerHost"/> with <see cref="ServerHost.UseDirectory{TConfig, TServer}"/> (a web
/// service activating servers on their first request) and an Orleans silo activating tenant grains.
/// </summary>
/// <typeparam name="TConfig">The servers' configuration type.</typeparam>
/// <remarks>
/// <para>
/// The host validates what the provider returns, once (<see cref="ServerConfig.Validate"/>), before it builds the
/// server: a provider reads and parses, it does not need to validate. Every activation asks again, so a server whose
/// configuration changed gets the new one the next time it is activated.
/// </para>
/// <para>
/// Implementations must be thread-safe: many servers activate at once. An exception thrown here fails the activation,
/// and the requests or calls waiting for it fail with it.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class ServerTable(NpgsqlDataSource db) : IServerConfigProvider&lt;ChatConfig&gt;
/// {
///     public async ValueTask&lt;ChatConfig?&gt; GetConfigAsync(string serverName, CancellationToken cancellationToken)
///     {
///         await using var command = db.CreateCommand("SELECT max_rooms, enabled FROM servers WHERE name = $1");
///         command.Parameters.AddWithValue(serverName);
///         await using var reader = await command.ExecuteReaderAsync(cancellationToken);
///         return await reader.ReadAsync(cancellationToken)
///             ? new ChatConfig { ServerName = serverName, MaxRooms = reader.GetInt32(0), Enabled = reader.GetBoolean(1) }
///             : null;                                              // no such server
///     }
/// }
/// </code>
/// </example>
public interface IServerConfigProvider<TConfig>
    where TConfig : ServerConfig
{
    /// <summary>Reads the configuration of the server named <paramref name="serverName"/>.</summary>
    /// <param name="serverName">The server's name, as a request or a grain key names it; compare it ignoring case.</param>
    /// <param name="cancellationToken">Cancelled when the host gives the activation up.</param>
    /// <returns>The configuration, whose <see cref="ServerConfig.ServerName"/> must be <paramref name="serverName"/>
    /// (ignoring case); <see langword="null"/> when there is no such server.</returns>
    ValueTask<TConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken);
}
