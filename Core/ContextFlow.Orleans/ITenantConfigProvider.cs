using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;

namespace ContextFlow.Orleans;

/// <summary>
/// Obsolete: implement <see cref="IServerConfigProvider{TConfig}"/> instead, one directory for silos and web hosts alike.
/// Reads the configuration of a tenant by its server name, when the tenant's grain activates on a silo. Register one
/// per configuration type in the silo's services; a <see cref="TenantGrain{TConfig, TServer}"/> resolves it from
/// there.
/// </summary>
/// <typeparam name="TConfig">The tenants' configuration type.</typeparam>
/// <remarks>
/// <para>
/// The grain validates what the provider returns, once (<see cref="ServerConfig.Validate"/>), before it builds the
/// server: a provider reads and parses, it does not need to validate. Every activation asks again, so a tenant whose
/// configuration changed gets the new one the next time it activates (after idle deactivation, a migration or the
/// loss of its silo).
/// </para>
/// <para>
/// Implementations must be thread-safe: many tenants activate on one silo at once. An exception thrown here fails the
/// activation, and the call that caused it fails with that exception.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class TenantDirectory(NpgsqlDataSource db) : ITenantConfigProvider&lt;ChatConfig&gt;
/// {
///     public async Task&lt;ChatConfig?&gt; GetConfigAsync(string serverName, CancellationToken cancellationToken)
///     {
///         await using var command = db.CreateCommand("SELECT max_rooms FROM tenants WHERE name = $1");
///         command.Parameters.AddWithValue(serverName);
///         return await command.ExecuteScalarAsync(cancellationToken) is int maxRooms
///             ? new ChatConfig { ServerName = serverName, MaxRooms = maxRooms }
///             : null;                                              // no such tenant
///     }
/// }
///
/// siloBuilder.AddContextFlow();
/// siloBuilder.Services.AddSingleton&lt;ITenantConfigProvider&lt;ChatConfig&gt;, TenantDirectory&gt;();
/// </code>
/// </example>
[Obsolete("Implement ContextFlow.Hosting.IServerConfigProvider<TConfig>, which a TenantGrain reads first and a ServerHost's directory reads too; this interface is still honoured when no IServerConfigProvider<TConfig> is registered.")]
public interface ITenantConfigProvider<TConfig>
    where TConfig : ServerConfig
{
    /// <summary>Reads the configuration of the tenant named <paramref name="serverName"/>.</summary>
    /// <param name="serverName">The tenant's server name: the key of its grain.</param>
    /// <param name="cancellationToken">Cancelled when Orleans gives up the activation.</param>
    /// <returns>The configuration, whose <see cref="ServerConfig.ServerName"/> must be <paramref name="serverName"/>;
    /// <see langword="null"/> when there is no such tenant (the call fails with a
    /// <see cref="System.Collections.Generic.KeyNotFoundException"/>).</returns>
    Task<TConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken);
}
