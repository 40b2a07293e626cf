using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Hosting;

public sealed partial class ServerHost
{
    private IServerDirectory? _directory;

    /// <summary>What the host needs of a directory, whatever its configuration type.</summary>
    private interface IServerDirectory
    {
        bool ActivatesOnFirstUse { get; }

        Task<Server?> ActivateAsync(string serverName);

        Task<Server?>? PendingActivation(string serverName);
    }

    /// <summary>
    /// Gives the host a directory of servers it may build on demand: with
    /// <see cref="ServerDirectoryOptions.ActivateOnFirstUse"/>, <see cref="GetOrActivateAsync"/> provisions a configured
    /// server on its first use and the host shuts it down again after <see cref="ServerDirectoryOptions.IdleTimeout"/>
    /// without use; without it, the directory only tells a configured server that is not hosted (being provisioned,
    /// disabled, or invalid) from an unknown name. Call it once, before the host serves.
    /// </summary>
    /// <typeparam name="TConfig">The servers' configuration type.</typeparam>
    /// <typeparam name="TServer">The servers' type.</typeparam>
    /// <param name="provider">Reads a server's configuration by name.</param>
    /// <param name="factory">Builds a server, as for <see cref="ProvisionAsync{TConfig, TServer}"/>.</param>
    /// <param name="options">Activation and idle release; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The host has a directory already.</exception>
    public void UseDirectory<TConfig, TServer>(IServerConfigProvider<TConfig> provider, Func<TConfig, RunningSignal, TServer> factory, ServerDirectoryOptions? options = null)
        where TConfig : ServerConfig
        where TServer : Server
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(factory);
        var directory = new ServerDirectory<TConfig, TServer>(this, provider, factory, options ?? new ServerDirectoryOptions());
        if (Interlocked.CompareExchange(ref _directory, directory, null) is not null)
        {
            throw new InvalidOperationException("The host has a directory already");
        }
    }

    /// <summary>
    /// Finds a server by name, ignoring case, and with a directory that activates on first use
    /// (<see cref="UseDirectory{TConfig, TServer}"/>) provisions it when it is configured but not hosted. Concurrent
    /// callers for one server share one activation. With activation on first use the server returned is running: a
    /// caller that finds it being activated waits for that, and one that finds it shutting down (released when idle)
    /// waits for it to go and gets a new instance. Otherwise a hosted server is returned in whatever state it is.
    /// </summary>
    /// <param name="serverName">The server's name.</param>
    /// <param name="cancellationToken">Stops this caller's wait; an activation under way goes on for the others.</param>
    /// <returns>The server; <see langword="null"/> when neither the host nor its directory knows the name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serverName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ServerUnavailableException">The directory knows the server, but it is disabled, not provisioned
    /// yet, or its activation failed (the exception says when to retry).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<Server?> GetOrActivateAsync(string serverName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        while (true)
        {
            if (_servers.TryGetValue(serverName, out var hosted))
            {
                if (_directory is not { ActivatesOnFirstUse: true } activating || hosted.State == ServerState.Running)
                {
                    return hosted;
                }

                if (IsShuttingDown(hosted))
                {
                    // Released when idle, or being deprovisioned: once it has gone, the directory decides.
                    await hosted.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Listed while its activation sets it up and starts it: wait for that, as its first caller does.
                if (activating.PendingActivation(serverName) is not { } pending)
                {
                    return hosted;
                }

                var activated = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (activated is null || !IsShuttingDown(activated))
                {
                    return activated;
                }

                continue;
            }

            if (_directory is not { } directory)
            {
                return null;
            }

            var server = await directory.ActivateAsync(serverName).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (server is null || !IsShuttingDown(server))
            {
                return server;
            }
        }
    }

    /// <summary>One directory: shared activations, their retry delays, and the idle release of what it activated.</summary>
    private sealed class ServerDirectory<TConfig, TServer>(
        ServerHost host, IServerConfigProvider<TConfig> provider, Func<TConfig, RunningSignal, TServer> factory, ServerDirectoryOptions options) : IServerDirectory
        where TConfig : ServerConfig
        where TServer : Server
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, Task<Server?>> _activations = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, (int Failures, long RetryAt, Exception Error)> _failures = new(StringComparer.OrdinalIgnoreCase);
        private readonly bool _activatesOnFirstUse = options.ActivateOnFirstUse;
        private readonly TimeSpan _idleTimeout = options.IdleTimeout;
        private readonly TimeSpan _retryDelay = options.ActivationRetryDelay;
        private readonly TimeSpan _maxRetryDelay = options.MaxActivationRetryDelay;
        private readonly TimeProvider _time = options.TimeProvider;

        public bool ActivatesOnFirstUse => _activatesOnFirstUse;

        public Task<Server?>? PendingActivation(string serverName)
        {
            lock (_gate)
            {
                return _activations.GetValueOrDefault(serverName);
            }
        }

        public Task<Server?> ActivateAsync(string serverName)
        {
            lock (_gate)
            {
                if (_activations.TryGetValue(serverName, out var running))
                {
                    return running;
                }

                if (_failures.TryGetValue(serverName, out var failure) && ProviderTime.GetTimestamp(_time) < failure.RetryAt)
                {
                    return Task.FromException<Server?>(Unavailable(serverName, failure.Error, _time.GetElapsedTime(ProviderTime.GetTimestamp(_time), failure.RetryAt)));
                }

                var activation = RunAsync(serverName);
                if (!activation.IsCompleted)
                {
                    _activations[serverName] = activation;
                }

                return activation;
            }
        }

        private static ServerUnavailableException Unavailable(string serverName, Exception error, TimeSpan retryAfter) =>
            new(serverName, $"Server {serverName} could not be activated: {error.Message}", retryAfter, error);

        private async Task<Server?> RunAsync(string serverName)
        {
            // Off the caller's lock and context: the activation belongs to every caller waiting for it.
            await Task.Yield();
            try
            {
                var config = await provider.GetConfigAsync(serverName, CancellationToken.None).ConfigureAwait(false);
                if (config is null)
                {
                    return null;
                }

                if (!config.Enabled)
                {
                    throw new ServerUnavailableException(serverName, $"Server {serverName} is disabled", retryAfter: null);
                }

                if (!_activatesOnFirstUse)
                {
                    throw new ServerUnavailableException(serverName, $"Server {serverName} is not provisioned yet", _retryDelay);
                }

                var server = await host.ProvisionAsync(config, factory).ConfigureAwait(false);
                lock (_gate)
                {
                    _failures.Remove(serverName);
                }

                if (_idleTimeout != Timeout.InfiniteTimeSpan)
                {
                    ReleaseWhenIdle(server);
                }

                return server;
            }
            catch (ServerUnavailableException)
            {
                throw;
            }
            catch (ServerAlreadyHostedException) when (host._servers.TryGetValue(serverName, out var hosted))
            {
                // Provisioned meanwhile by another path: that one serves.
                return hosted;
            }
            catch (Exception ex)
            {
                throw Unavailable(serverName, ex, RecordFailure(serverName, ex));
            }
            finally
            {
                lock (_gate)
                {
                    _activations.Remove(serverName);
                }
            }
        }

        private TimeSpan RecordFailure(string serverName, Exception error)
        {
            lock (_gate)
            {
                var failures = (_failures.TryGetValue(serverName, out var previous) ? previous.Failures : 0) + 1;
                var delay = TimeSpan.FromTicks(Math.Min(_maxRetryDelay.Ticks, _retryDelay.Ticks << Math.Min(failures - 1, 30)));
                _failures[serverName] = (failures, ProviderTime.GetTimestamp(_time) + (long)(delay.TotalSeconds * _time.TimestampFrequency), error);
                return delay;
            }
        }

        // On the server's own clock, so the check stops with the server and costs nothing for servers not activated.
        private void ReleaseWhenIdle(Server server)
        {
            var every = TimeSpan.FromTicks(Math.Max(_idleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10));
            try
            {
                server.Clock.LoopingCall(every, () =>
                {
                    if (server.IsIdleFor(_idleTimeout))
                    {
                        Log.ForContext<ServerHost>().Information("Releasing server {ServerName}: idle for {IdleTimeout}", server.ServerName, _idleTimeout);
                        _ = server.ShutdownAsync();     // started, not awaited: the check runs inside the server's own clock
                    }
                });
            }
            catch (InvalidOperationException) when (IsShuttingDown(server))
            {
                // Shut down already, before its idle check could start.
            }
        }
    }
}
