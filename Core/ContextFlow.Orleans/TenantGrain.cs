using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Serilog;

namespace ContextFlow.Orleans;

/// <summary>
/// A tenant as an Orleans grain, keyed by its server name: activating the grain reads, validates, creates, sets up
/// and starts the tenant's <see cref="Hosting.Server"/>; deactivating it, for whatever reason, shuts the server down.
/// The server lives exactly as long as the activation.
/// </summary>
/// <typeparam name="TConfig">The tenant's configuration type, read by the silo's <see cref="IServerConfigProvider{TConfig}"/>.</typeparam>
/// <typeparam name="TServer">The tenant's server type.</typeparam>
/// <remarks>
/// <para>
/// Activation: the grain waits for its silo to be active (each silo has its own <see cref="RunningSignal"/>, marked at
/// Orleans' <c>Active</c> stage), asks the silo's <see cref="IServerConfigProvider{TConfig}"/> (the directory contract a
/// <see cref="ServerHost"/> activating servers on demand uses too, so one directory feeds both) for the configuration of
/// its key, and provisions the server into the silo's <see cref="ServerHost"/>: validate once, <see cref="CreateServer"/>,
/// set up, start. A disabled tenant (<see cref="ServerConfig.Enabled"/> false) is not started: its calls fail with
/// <see cref="ServerUnavailableException"/>. Grain keys are compared as Orleans does, ordinally, and the configuration's
/// name must be the key exactly: name tenants in lower case, as hosts are. Any failure shuts the
/// half-built server down, fails the activation (Orleans then deactivates the grain) and reaches the caller as the
/// exception. Deactivation (idle, migration, silo shutdown, <c>DeactivateOnIdle</c>) runs
/// <see cref="Hosting.Server.ShutdownAsync"/>, which stops the server's timers and background processes, and lets go
/// of the server so the silo keeps nothing of it. Keep <see cref="ServerConfig.ShutdownGracePeriod"/> below Orleans'
/// <c>GrainCollectionOptions.DeactivationTimeout</c> (10 s against 30 s by default), or Orleans stops waiting first.
/// </para>
/// <para>
/// Every call to the grain runs in a <see cref="LoggingContext"/> <c>"{Interface}.{Method}"</c> of the server, with the
/// caller's request id (see <c>docs/orleans.md</c>): the grain is its own incoming call filter, so a class deriving
/// from it must not implement <see cref="IIncomingGrainCallFilter"/> again (a silo-wide filter serves instead). Tenant
/// work is scheduled on the server's <see cref="Clock"/> and
/// <see cref="Background.BackgroundProcesses"/>, never with grain timers or reminders: shutdown cancels the former, and
/// their callbacks run in contexts of the tenant. Tenant grains are placed by hashing their name unless the class names
/// a placement of its own. The activation and deactivation methods are sealed: tenant code belongs in the server.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public interface IChatTenant : IGrainWithStringKey
/// {
///     Task&lt;string&gt; SendAsync(string room, string text);
/// }
///
/// public sealed class ChatTenantGrain : TenantGrain&lt;ChatConfig, ChatServer&gt;, IChatTenant
/// {
///     public Task&lt;string&gt; SendAsync(string room, string text) => Server.SendAsync(room, text);   // in "IChatTenant.SendAsync"
///
///     protected override ChatServer CreateServer(ChatConfig config, RunningSignal running) => new(config, running);
/// }
///
/// var reply = await client.GetGrain&lt;IChatTenant&gt;("alpha.example").SendAsync("lobby", "hello");
/// </code>
/// </example>
public abstract class TenantGrain<TConfig, TServer> : Grain, ITenantGrain, IIncomingGrainCallFilter
    where TConfig : ServerConfig
    where TServer : Server
{
    private const string ActivateContextName = "activate";
    private const string DeactivateContextName = "deactivate";

    private TServer? _server;

    /// <summary>The tenant's server. Available from the end of activation until deactivation.</summary>
    /// <exception cref="InvalidOperationException">The grain is not active.</exception>
    protected TServer Server =>
        Volatile.Read(ref _server) ?? throw new InvalidOperationException($"Tenant {this.GetPrimaryKeyString()} has no server: its grain is not active");

    /// <summary>Runs each call to the grain in its context <c>"{Interface}.{Method}"</c> of the server; see the type's remarks.</summary>
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => TenantCallFilter.Invoke(context, this, Volatile.Read(ref _server));

    /// <summary>Reads the tenant's configuration and provisions its server; see the type's remarks.</summary>
    /// <param name="cancellationToken">Cancelled when Orleans gives up the activation; the server is then shut down.</param>
    /// <returns>A task that ends when the server has started.</returns>
    /// <exception cref="KeyNotFoundException">The provider knows no tenant of this name.</exception>
    /// <exception cref="ConfigException">The tenant's configuration is invalid.</exception>
    /// <exception cref="ServerUnavailableException">The tenant is disabled (<see cref="ServerConfig.Enabled"/>).</exception>
    /// <exception cref="InvalidOperationException">The silo lacks <c>AddContextFlow()</c> or a provider, or the provider
    /// returned the configuration of another tenant.</exception>
    public sealed override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var serverName = this.GetPrimaryKeyString();
        var silo = ServiceProvider.GetService<TenantSilo>() ?? throw new InvalidOperationException(
            $"Tenant {serverName} cannot activate: call AddContextFlow() on the silo builder");
        TConfig config;
        try
        {
            await silo.WhenActive.WaitAsync(cancellationToken);
            config = await ReadConfigAsync(serverName, cancellationToken) ?? throw new KeyNotFoundException($"No tenant named {serverName}");
            if (!string.Equals(config.ServerName, serverName, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The configuration provider returned server {config.ServerName} for tenant {serverName}");
            }

            if (!config.Enabled)
            {
                throw new ServerUnavailableException(serverName, $"Tenant {serverName} is disabled", retryAfter: null);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            using (new LoggingContext(ActivateContextName, serverName).Enter())
            {
                Log.ForContext(GetType()).Error(ex, "Cannot activate tenant {ServerName} on silo {Silo}", serverName, silo.SiloName);
            }

            throw;
        }

        // Validates once, creates, sets up and starts; on any failure it has shut the server down before it throws.
        var server = await silo.Host.ProvisionAsync(config, (c, _) => CreateServer(c, silo.Host.Running), cancellationToken);
        Volatile.Write(ref _server, server);
        if (KeepResident(config))
        {
            DelayDeactivation(Timeout.InfiniteTimeSpan);
        }

        using (new LoggingContext(ActivateContextName, serverName, server.Totals).Enter())
        {
            Log.ForContext(GetType()).Information("Tenant {ServerName} ({InstanceId}) is active on silo {Silo}", serverName, server.InstanceId, silo.SiloName);
        }
    }

    // The directory contract shared with ServerHost; the older Orleans-only one while applications move off it.
    private async ValueTask<TConfig?> ReadConfigAsync(string serverName, CancellationToken cancellationToken)
    {
        if (ServiceProvider.GetService<IServerConfigProvider<TConfig>>() is { } directory)
        {
            return await directory.GetConfigAsync(serverName, cancellationToken);
        }

#pragma warning disable CS0618 // Type or member is obsolete: still honoured, as documented on it.
        if (ServiceProvider.GetService<ITenantConfigProvider<TConfig>>() is { } provider)
        {
            return await provider.GetConfigAsync(serverName, cancellationToken);
        }
#pragma warning restore CS0618

        throw new InvalidOperationException(
            $"Tenant {serverName} cannot activate: register an IServerConfigProvider<{typeof(TConfig).Name}> in the silo's services");
    }

    /// <summary>Shuts the tenant's server down, whatever the reason for the deactivation, and lets go of it.</summary>
    /// <param name="reason">Why Orleans deactivates the grain; logged.</param>
    /// <param name="cancellationToken">Cancelled when Orleans stops waiting; the shutdown still runs to its end.</param>
    /// <returns>A task that ends when the server is shut down.</returns>
    public sealed override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Let go first: Orleans may keep the grain object for a while, the server must not stay reachable through it.
        var server = Interlocked.Exchange(ref _server, null);
        if (server is null)
        {
            return;
        }

        using (new LoggingContext(DeactivateContextName, server.ServerName, server.Totals).Enter())
        {
            Log.ForContext(GetType()).Information("Deactivating tenant {ServerName} ({InstanceId}): {Reason}",
                server.ServerName, server.InstanceId, reason.ToString());
        }

        await server.ShutdownAsync();
    }

    /// <summary>
    /// Builds the tenant's server from its validated configuration. Pass <paramref name="running"/> to the server's
    /// constructor; do no I/O here (that belongs in the server's setup).
    /// </summary>
    /// <param name="config">The tenant's configuration, validated.</param>
    /// <param name="running">The silo's running signal, which the server's start waits for.</param>
    /// <returns>A new server named <c>config.ServerName</c>.</returns>
    protected abstract TServer CreateServer(TConfig config, RunningSignal running);

    /// <summary>
    /// Whether the tenant stays active while its silo runs, instead of deactivating after Orleans' idle collection age
    /// (15 minutes by default). Explicit deactivation, migration and silo shutdown still deactivate it.
    /// </summary>
    /// <param name="config">The tenant's configuration.</param>
    /// <returns><see langword="false"/> unless overridden.</returns>
    protected virtual bool KeepResident(TConfig config) => false;
}
