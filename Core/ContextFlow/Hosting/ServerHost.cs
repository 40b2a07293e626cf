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
/// caller as the exception; the other servers are untouched. A server that shuts down before its provisioning
/// completes (deprovisioned meanwhile, or the host shut down) fails the provisioning with
/// <see cref="ProvisioningCanceledException"/>, whatever step it was at. Servers provisioned before
/// <see cref="StartAsync"/> are set up and start when it is called; servers provisioned afterwards start at once.
/// </para>
/// <para>
/// Server names are compared ordinal-ignore-case, as host names are: <c>Alpha.Example</c> and <c>alpha.example</c> are
/// one server. The events follow <see cref="Servers"/>: <see cref="ServerShutDown"/> is raised once for every server
/// that leaves it, by whatever path (<see cref="DeprovisionAsync"/>, its own <see cref="Server.ShutdownAsync"/>, a failed
/// step, the host's shutdown); <see cref="ServerProvisioned"/> is raised once a provisioning has completed, and for one
/// server always before its <see cref="ServerShutDown"/>.
/// </para>
/// <para>All members are thread-safe. Event handlers run on the thread that completed the step, the events of one
/// server one at a time; an exception a handler throws is logged.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var host = new ServerHost();
/// await host.ProvisionAsync(new TenantConfig { ServerName = "alpha.example" }, (config, running) => new TenantServer(config, running));
/// await host.StartAsync();                                 // the process is running: every server starts
/// await host.ProvisionAsync(new TenantConfig { ServerName = "beta.example" }, (config, running) => new TenantServer(config, running));
/// await host.DeprovisionAsync("alpha.example");            // beta keeps serving
/// </code>
/// </example>
public sealed partial class ServerHost : IAsyncDisposable
{
    private readonly object _gate = new();

    // What routers read on every request, without a lock: the servers attached to an entry and not yet gone.
    private readonly ConcurrentDictionary<string, Server> _servers = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxConcurrentShutdowns = 16;
    private bool _started;
    private Task? _shutdown;

    /// <summary>Creates an empty host.</summary>
    /// <param name="running">The signal the host marks in <see cref="StartAsync"/>, which its servers' factories
    /// receive; <see cref="RunningSignal.Process"/> when <see langword="null"/>.</param>
    public ServerHost(RunningSignal? running = null)
    {
        Running = running ?? RunningSignal.Process;
    }

    /// <summary>Raised when a server's provisioning has completed (set up, and started if the host is running).</summary>
    public event EventHandler<ServerEventArgs>? ServerProvisioned;

    /// <summary>Raised when a server has shut down, by whatever path, and has left <see cref="Servers"/>.</summary>
    public event EventHandler<ServerEventArgs>? ServerShutDown;

    /// <summary>The running signal of this host, which the factories of <see cref="ProvisionAsync{TConfig, TServer}"/> receive.</summary>
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

    /// <summary>
    /// The servers hosted now, by name: from the moment a provisioning has built its server (so a router can answer
    /// "starting") until it has shut down (listed as <see cref="ServerState.ShuttingDown"/> meanwhile).
    /// </summary>
    public IReadOnlyList<Server> Servers => [.. _servers.Values.OrderBy(s => s.ServerName, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Finds a hosted server by name, ignoring case.</summary>
    /// <param name="serverName">The name.</param>
    /// <param name="server">The server, when hosted.</param>
    /// <returns>Whether the host holds a server of that name.</returns>
    public bool TryGetServer(string serverName, [NotNullWhen(true)] out Server? server)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        return _servers.TryGetValue(serverName, out server);
    }

    /// <summary>
    /// Validates <paramref name="config"/>, builds the server with <paramref name="factory"/>, sets it up and, when the
    /// host is running, starts it. On any failure the server is shut down and the exception is rethrown; nothing of it
    /// stays in the host.
    /// </summary>
    /// <typeparam name="TConfig">The configuration's type.</typeparam>
    /// <typeparam name="TServer">The server's type.</typeparam>
    /// <param name="config">The server's configuration; validated here, once.</param>
    /// <param name="factory">Builds a new server from the validated configuration and the host's <see cref="Running"/>
    /// signal (pass it to the server's constructor); no I/O (that belongs in setup).</param>
    /// <param name="cancellationToken">Cancels provisioning; the half-provisioned server is shut down.</param>
    /// <returns>The provisioned server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConfigException">The configuration is invalid, or the server disabled; the factory was not called.</exception>
    /// <exception cref="ServerAlreadyHostedException">A server of that name (ignoring case) is hosted or being provisioned.</exception>
    /// <exception cref="ProvisioningCanceledException">The server shut down before provisioning completed (deprovisioned,
    /// or the host shut down); it has finished shutting down.</exception>
    /// <exception cref="InvalidOperationException">The host is shutting down, or the factory broke its contract (a
    /// server of another name, or not new).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TServer> ProvisionAsync<TConfig, TServer>(TConfig config, Func<TConfig, RunningSignal, TServer> factory, CancellationToken cancellationToken = default)
        where TConfig : ServerConfig
        where TServer : Server
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(factory);
        cancellationToken.ThrowIfCancellationRequested();
        Entry entry;
        try
        {
            config.EnsureValid();
            if (!config.Enabled)
            {
                throw new ConfigException($"Server {config.ServerName} is disabled ({nameof(ServerConfig.Enabled)} is false)", nameof(ServerConfig.Enabled));
            }

            entry = Reserve(config.ServerName);
        }
        catch (Exception ex)
        {
            LogRefused(config.ServerName, ex);
            throw;
        }

        var server = await CreateAsync(entry, config, factory).ConfigureAwait(false);
        try
        {
            await server.SetupAsync(cancellationToken).ConfigureAwait(false);
            if (StartsNow(entry))
            {
                await server.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception ex)
        {
            var overtaken = IsShuttingDown(server) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);
            await server.ShutdownAsync().ConfigureAwait(false);
            if (overtaken)
            {
                throw ProvisioningCanceledException.For(server.ServerName, ex);
            }

            throw;
        }

        if (!TryComplete(entry))
        {
            await server.ShutdownAsync().ConfigureAwait(false);
            throw ProvisioningCanceledException.For(server.ServerName, null);
        }

        return server;
    }

    /// <summary>Shuts one hosted server down and removes it; the others keep serving.</summary>
    /// <param name="serverName">The server's name, ignoring case.</param>
    /// <returns><see langword="true"/> once the server is shut down; <see langword="false"/> when no such server is hosted
    /// (including a name whose provisioning has not built its server yet).</returns>
    /// <exception cref="ArgumentException"><paramref name="serverName"/> is null or empty.</exception>
    public async Task<bool> DeprovisionAsync(string serverName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverName);
        Server? server;
        lock (_gate)
        {
            if (!_entries.TryGetValue(serverName, out var entry) || entry.Server is null)
            {
                return false;
            }

            entry.Deprovisioned = true;
            server = entry.Server;
        }

        await server.ShutdownAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Marks the process running (<see cref="RunningSignal.MarkRunning"/> on <see cref="Running"/>), then starts every
    /// server provisioned so far and waits for their starts. Servers that fail to start are shut down and removed; the
    /// others keep running. Calling it again does nothing.
    /// </summary>
    /// <returns>A task that ends when every waiting server has started.</returns>
    /// <exception cref="InvalidOperationException">The host is shutting down.</exception>
    /// <exception cref="AggregateException">Some servers failed to start (one inner exception each); they were shut down.</exception>
    public async Task StartAsync()
    {
        List<Server> waiting;
        lock (_gate)
        {
            if (_shutdown is not null)
            {
                throw new InvalidOperationException("Cannot start the host. It has been shut down");
            }

            if (_started)
            {
                return;
            }

            _started = true;
            waiting = TakeWaitingStartsLocked();
        }

        Running.MarkRunning();
        var failures = (await Task.WhenAll(waiting.Select(StartHostedAsync)).ConfigureAwait(false)).OfType<Exception>().ToList();
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
            return _shutdown ??= ShutdownAllAsync();
        }
    }

    /// <summary>Shuts every server down; the same as <see cref="ShutdownAsync"/>.</summary>
    /// <returns>A task that completes when every server is shut down.</returns>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    private static bool IsShuttingDown(Server server) => server.State is ServerState.ShuttingDown or ServerState.ShutDown;

    /// <summary>Starts a server the host provisioned before it ran: a failure shuts the server down and is returned, not thrown.</summary>
    private static async Task<Exception?> StartHostedAsync(Server server)
    {
        try
        {
            await server.StartAsync().ConfigureAwait(false);
            return null;
        }
        catch (Exception) when (IsShuttingDown(server))
        {
            // Shut down before or while it started: not a failure of the start.
            return null;
        }
        catch (Exception ex)
        {
            await server.ShutdownAsync().ConfigureAwait(false);
            return ex;
        }
    }

    private async Task ShutdownAllAsync()
    {
        // The caller's lock is released, and the caller gets its task, before any server's shutdown runs.
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
            if (exception is ConfigException)
            {
                // The caller's input, not a fault of the process: the message says what to change.
                Log.ForContext<ServerHost>().Warning("Refused to provision server {ServerName}: {Reason}", name, exception.Message);
            }
            else
            {
                Log.ForContext<ServerHost>().Error(exception, "Failed to provision server {ServerName}", name);
            }
        }
    }
}
