using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Hosting;

/// <summary>
/// The servers of one process: provisions them (validate → create → set up → start) and deprovisions them one at a
/// time while the others keep serving, marks the process running, and shuts them all down at the end.
/// </summary>
/// <remarks>
/// <para>
/// A failure at any step of provisioning shuts that server down, logs it in the server's context and reaches the
/// caller as the exception; the other servers are untouched. Servers provisioned before <see cref="StartAsync"/>
/// start when it is called; servers provisioned afterwards start at once. A server that shuts down by any path
/// (<see cref="DeprovisionAsync"/>, its own <see cref="Server.ShutdownAsync"/>, a failed start) leaves the host and
/// raises <see cref="ServerShutDown"/>.
/// </para>
/// <para>All members are thread-safe. Event handlers run on the thread that completed the step; an exception a handler
/// throws is logged.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var host = new ServerHost();
/// await host.ProvisionAsync(new TenantConfig { ServerName = "alpha.example" }, config => new TenantServer(config));
/// await host.StartAsync();                                 // the process is running: every server starts
/// await host.ProvisionAsync(new TenantConfig { ServerName = "beta.example" }, config => new TenantServer(config));
/// await host.DeprovisionAsync("alpha.example");            // beta keeps serving
/// </code>
/// </example>
public sealed class ServerHost : IAsyncDisposable
{
    private const string ProvisionContextName = "provision";

    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, Server> _servers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _provisioning = new(StringComparer.Ordinal);
    private readonly Dictionary<Server, Task<Exception?>> _pendingStarts = new();
    private readonly TaskCompletionSource _shutDown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxConcurrentShutdowns = 16;
    private bool _started;
    private bool _shuttingDown;
    private Task? _shutdownRun;

    /// <summary>Creates an empty host.</summary>
    /// <param name="running">The signal the host marks in <see cref="StartAsync"/> and its servers' starts wait for;
    /// <see cref="RunningSignal.Process"/> when <see langword="null"/>. Servers must be built with the same signal.</param>
    public ServerHost(RunningSignal? running = null)
    {
        Running = running ?? RunningSignal.Process;
    }

    /// <summary>Raised when a server has been provisioned (set up, and started if the host is running).</summary>
    public event EventHandler<ServerEventArgs>? ServerProvisioned;

    /// <summary>Raised when a hosted server has shut down, by whatever path, and has left the host.</summary>
    public event EventHandler<ServerEventArgs>? ServerShutDown;

    /// <summary>The running signal of this host: pass it to the constructor of every server it hosts.</summary>
    public RunningSignal Running { get; }

    /// <summary>How many servers <see cref="ShutdownAsync"/> shuts down at once; 16 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxConcurrentShutdowns
    {
        get => _maxConcurrentShutdowns;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrentShutdowns = value;
        }
    }

    /// <summary>The servers hosted now, by name; a server being shut down stays listed until it is done.</summary>
    public IReadOnlyList<Server> Servers => [.. _servers.Values.OrderBy(s => s.ServerName, StringComparer.Ordinal)];

    /// <summary>Finds a hosted server by name.</summary>
    /// <param name="serverName">The name.</param>
    /// <param name="server">The server, when hosted.</param>
    /// <returns>Whether the host holds a server of that name.</returns>
    public bool TryGetServer(string serverName, [NotNullWhen(true)] out Server? server)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        return _servers.TryGetValue(serverName, out server);
    }

    /// <summary>
    /// Validates <paramref name="config"/>, builds the server with <paramref name="factory"/>, sets it up and starts
    /// it (waiting for the start when the host is running). On any failure the server is shut down and the exception
    /// is rethrown; nothing of it stays in the host.
    /// </summary>
    /// <typeparam name="TConfig">The configuration's type.</typeparam>
    /// <typeparam name="TServer">The server's type.</typeparam>
    /// <param name="config">The server's configuration; validated here, once.</param>
    /// <param name="factory">Builds the server from the validated configuration, with <see cref="Running"/> as its
    /// running signal; no I/O (that belongs in setup).</param>
    /// <param name="cancellationToken">Cancels provisioning; the half-provisioned server is shut down.</param>
    /// <returns>The provisioned server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConfigException">The configuration is invalid; the factory was not called.</exception>
    /// <exception cref="ServerAlreadyHostedException">A server of that name is hosted or being provisioned.</exception>
    /// <exception cref="InvalidOperationException">The host is shutting down, or the factory broke its contract (a
    /// server of another name, not new, or with another running signal).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TServer> ProvisionAsync<TConfig, TServer>(TConfig config, Func<TConfig, TServer> factory, CancellationToken cancellationToken = default)
        where TConfig : ServerConfig
        where TServer : Server
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(factory);
        cancellationToken.ThrowIfCancellationRequested();
        var name = config.ServerName;
        try
        {
            config.EnsureValid();
            Reserve(name);
        }
        catch (Exception ex)
        {
            LogRefused(name, ex);
            throw;
        }

        var server = await CreateAsync(config, factory).ConfigureAwait(false);
        try
        {
            await server.SetupAsync(cancellationToken).ConfigureAwait(false);
            var start = WatchStartAsync(server, server.StartAsync(cancellationToken));
            bool waitForStart;
            lock (_gate)
            {
                waitForStart = _started || Running.IsRunning;
                if (!waitForStart && !start.IsCompleted)
                {
                    _pendingStarts[server] = start;
                }
            }

            if (waitForStart && await start.ConfigureAwait(false) is { } failure)
            {
                throw failure;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            await server.ShutdownAsync().ConfigureAwait(false);
            throw;
        }

        Raise(ServerProvisioned, server);
        return server;
    }

    /// <summary>Shuts one hosted server down and removes it; the others keep serving.</summary>
    /// <param name="serverName">The server's name.</param>
    /// <returns><see langword="true"/> once the server is shut down; <see langword="false"/> when no such server is hosted.</returns>
    /// <exception cref="ArgumentException"><paramref name="serverName"/> is null or empty.</exception>
    public async Task<bool> DeprovisionAsync(string serverName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        if (!_servers.TryGetValue(serverName, out var server))
        {
            return false;
        }

        await server.ShutdownAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Marks the process running (<see cref="RunningSignal.MarkRunning"/> on <see cref="Running"/>), which starts every
    /// server provisioned so far, and waits for their starts. Servers that fail to start are shut down and removed; the
    /// others keep running. Calling it again does nothing.
    /// </summary>
    /// <returns>A task that ends when every waiting server has started.</returns>
    /// <exception cref="InvalidOperationException">The host is shutting down.</exception>
    /// <exception cref="AggregateException">Some servers failed to start (one inner exception each); they were shut down.</exception>
    public async Task StartAsync()
    {
        Task<Exception?>[] pending;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                throw new InvalidOperationException("Cannot start the host. It has been shut down");
            }

            if (_started)
            {
                return;
            }

            _started = true;
            pending = [.. _pendingStarts.Values];
        }

        Running.MarkRunning();
        var failures = (await Task.WhenAll(pending).ConfigureAwait(false)).OfType<Exception>().ToList();
        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} servers failed to start and were shut down", failures);
        }
    }

    /// <summary>
    /// Refuses further provisioning and shuts every hosted server down, <see cref="MaxConcurrentShutdowns"/> at a time.
    /// Idempotent: every call returns the same task.
    /// </summary>
    /// <returns>A task that completes when every server is shut down; it never faults.</returns>
    public Task ShutdownAsync()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return _shutDown.Task;
            }

            _shuttingDown = true;
            _shutdownRun = ShutdownAllAsync();
        }

        return _shutDown.Task;
    }

    /// <summary>Shuts every server down; the same as <see cref="ShutdownAsync"/>.</summary>
    /// <returns>A task that completes when every server is shut down.</returns>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    private void Reserve(string name)
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                throw new InvalidOperationException($"Cannot provision server {name}. The host has been shut down");
            }

            if (_servers.ContainsKey(name) || !_provisioning.Add(name))
            {
                throw new ServerAlreadyHostedException(name, hosted: _servers.ContainsKey(name));
            }
        }
    }

    private async Task<TServer> CreateAsync<TConfig, TServer>(TConfig config, Func<TConfig, TServer> factory)
        where TConfig : ServerConfig
        where TServer : Server
    {
        var name = config.ServerName;
        TServer? server = null;
        try
        {
            server = factory(config) ?? throw new InvalidOperationException($"The factory for server {name} returned null");
            if (server.State != ServerState.Created || server.ShutDownObserver is not null)
            {
                var reused = server;
                server = null;
                throw new InvalidOperationException($"The factory for server {name} returned server {reused.ServerName}, which is already {reused.State}");
            }

            if (!string.Equals(server.ServerName, name, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The factory for server {name} built server {server.ServerName}");
            }

            if (!ReferenceEquals(server.Running, Running))
            {
                throw new InvalidOperationException(
                    $"Server {name} was built with another RunningSignal than its host's; pass the host's Running to its constructor");
            }

            lock (_gate)
            {
                _provisioning.Remove(name);
                if (_shuttingDown)
                {
                    throw new InvalidOperationException($"Cannot provision server {name}. The host has been shut down");
                }

                server.ShutDownObserver = OnServerShutDown;
                _servers[name] = server;
            }

            return server;
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _provisioning.Remove(name);
            }

            LogRefused(name, ex);
            if (server is not null)
            {
                // A new server the host will not keep: shut it down so its clock and processes do not linger.
                await server.ShutdownAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Waits for a server's start: a failure shuts the server down and is returned, not thrown.</summary>
    private async Task<Exception?> WatchStartAsync(Server server, Task start)
    {
        try
        {
            await start.ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (server.State is ServerState.ShuttingDown or ServerState.ShutDown)
        {
            // Shut down before it could start: not a failure of the start.
            return null;
        }
        catch (Exception ex)
        {
            await server.ShutdownAsync().ConfigureAwait(false);
            return ex;
        }
        finally
        {
            lock (_gate)
            {
                _pendingStarts.Remove(server);
            }
        }
    }

    private void OnServerShutDown(Server server)
    {
        _servers.TryRemove(new KeyValuePair<string, Server>(server.ServerName, server));
        lock (_gate)
        {
            _pendingStarts.Remove(server);
        }

        Raise(ServerShutDown, server);
    }

    private async Task ShutdownAllAsync()
    {
        await Task.Yield();
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrentShutdowns };
            await Parallel.ForEachAsync(_servers.Values.ToArray(), options, (server, _) => new ValueTask(server.ShutdownAsync()))
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ForContext<ServerHost>().Error(ex, "Shutting down the hosted servers failed");
        }
        finally
        {
            _shutDown.TrySetResult();
        }
    }

    private void Raise(EventHandler<ServerEventArgs>? handler, Server server)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, new ServerEventArgs(server));
        }
        catch (Exception ex)
        {
            Log.ForContext<ServerHost>().Error(ex, "A server event handler threw for server {ServerName}", server.ServerName);
        }
    }

    private static void LogRefused(string? name, Exception exception)
    {
        if (exception is ServerAlreadyHostedException)
        {
            return;
        }

        // In a context of the server being provisioned, so the line reads as that server's.
        using (new LoggingContext(ProvisionContextName, string.IsNullOrEmpty(name) ? LoggingContext.Sentinel.ServerName : name).Enter())
        {
            Log.ForContext<ServerHost>().Error(exception, "Failed to provision server {ServerName}", name);
        }
    }
}
