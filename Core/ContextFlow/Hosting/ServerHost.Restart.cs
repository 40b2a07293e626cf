using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;

namespace ContextFlow.Hosting;

public sealed partial class ServerHost
{
    /// <summary>
    /// Replaces a hosted server by a new instance built from <paramref name="config"/>: validates the configuration,
    /// builds and sets up the new instance while the old one keeps serving, then shuts the old one down and starts the
    /// new one in its place. Should validation or setup fail, the old one keeps serving and the exception is thrown; a
    /// name not hosted is simply provisioned. Meanwhile the name stays taken, so nothing else is provisioned under it.
    /// </summary>
    /// <remarks>
    /// Between the old instance's shutdown and the new one's start the server is not serving: a router finds it
    /// <see cref="ServerState.ShuttingDown"/>, then not at all, then <see cref="ServerState.Starting"/>, and never both
    /// instances at once. The events follow: <see cref="ServerShutDown"/> for the old instance, then
    /// <see cref="ServerProvisioned"/> for the new one. A deprovisioning of the old instance during the restart wins: the
    /// restart then fails with <see cref="ProvisioningCanceledException"/>.
    /// </remarks>
    /// <typeparam name="TConfig">The configuration's type.</typeparam>
    /// <typeparam name="TServer">The server's type.</typeparam>
    /// <param name="config">The server's new configuration; validated here, once.</param>
    /// <param name="factory">Builds the new instance, as for <see cref="ProvisionAsync{TConfig, TServer}"/>.</param>
    /// <param name="cancellationToken">Cancels the restart until the old instance begins to shut down.</param>
    /// <returns>The new instance, provisioned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConfigException">The configuration is invalid, or the server disabled; the old instance serves on.</exception>
    /// <exception cref="ServerAlreadyHostedException">The server is being provisioned or restarted already.</exception>
    /// <exception cref="ProvisioningCanceledException">The old instance was deprovisioned, or the host shut down, during the restart.</exception>
    /// <exception cref="InvalidOperationException">The host is shutting down, or the factory broke its contract.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the old instance serves on.</exception>
    public async Task<TServer> RestartAsync<TConfig, TServer>(TConfig config, Func<TConfig, RunningSignal, TServer> factory, CancellationToken cancellationToken = default)
        where TConfig : ServerConfig
        where TServer : Server
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(factory);
        cancellationToken.ThrowIfCancellationRequested();
        Entry? current;
        Entry successor;
        try
        {
            config.EnsureValid();
            if (!config.Enabled)
            {
                throw new ConfigException($"Server {config.ServerName} is disabled ({nameof(ServerConfig.Enabled)} is false)", nameof(ServerConfig.Enabled));
            }

            (current, successor) = ReserveSuccessor(config.ServerName);
        }
        catch (Exception ex)
        {
            LogRefused(config.ServerName, ex);
            throw;
        }

        if (current is null)
        {
            return await ProvisionAsync(config, factory, cancellationToken).ConfigureAwait(false);
        }

        var name = successor.Name;
        TServer? server = null;
        try
        {
            server = Build(name, config, factory);
            CheckName(name, server);
            await server.SetupAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DropSuccessor(current, successor);
            LogRefused(name, ex);
            if (server is not null)
            {
                await server.ShutdownAsync().ConfigureAwait(false);
            }

            throw;
        }

        await current.Server!.ShutdownAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (!_entries.TryGetValue(name, out var taken) || !ReferenceEquals(taken, successor))
                {
                    throw ProvisioningCanceledException.For(name, null);
                }
            }

            Attach(successor, server);
            if (StartsNow(successor))
            {
                await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(name, out var taken) && ReferenceEquals(taken, successor) && successor.Server is null)
                {
                    _entries.Remove(name);
                }
            }

            var overtaken = ex is ProvisioningCanceledException || IsShuttingDown(server);
            await server.ShutdownAsync().ConfigureAwait(false);
            if (overtaken && ex is not ProvisioningCanceledException)
            {
                throw ProvisioningCanceledException.For(name, ex);
            }

            throw;
        }

        if (!TryComplete(successor))
        {
            await server.ShutdownAsync().ConfigureAwait(false);
            throw ProvisioningCanceledException.For(name, null);
        }

        return server;
    }

    /// <summary>Reserves the name's next instance: (the current entry, the successor), or (null, a fresh reservation) when the name is free.</summary>
    private (Entry? Current, Entry Successor) ReserveSuccessor(string name)
    {
        lock (_gate)
        {
            if (_shutdown is not null)
            {
                throw HostShutDown(name);
            }

            if (!_entries.TryGetValue(name, out var current))
            {
                return (null, new Entry(name));
            }

            if (current.Server is null || current.Successor is not null || current.Gone || IsShuttingDown(current.Server))
            {
                throw new ServerAlreadyHostedException(name, hosted: false);
            }

            return (current, current.Successor = new Entry(name));
        }
    }

    /// <summary>A restart that failed before the swap: the old instance keeps the name, or it is freed if the old one has gone.</summary>
    private void DropSuccessor(Entry current, Entry successor)
    {
        lock (_gate)
        {
            current.Successor = null;
            if (_entries.TryGetValue(successor.Name, out var taken) && ReferenceEquals(taken, successor))
            {
                _entries.Remove(successor.Name);
            }
        }
    }
}
