using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Serilog;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The process's <see cref="ServerHost"/> and what the web layer keeps per hosted server (<see cref="TenantState"/>):
/// created on first need, dropped when the server shuts down, so a deprovisioned server stays collectable.
/// </summary>
/// <remarks>
/// Thread-safe. One per application, a singleton of the container, which disposes it: it owns the host and the meter
/// listener.
/// </remarks>
internal sealed class TenantRegistry : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<Server, TenantState> _states = new(ReferenceEqualityComparer.Instance);
    private bool _stopping;
    private PathString[] _adminPaths = [];

    public TenantRegistry(IOptions<ContextFlowOptions> options)
    {
        Options = options.Value;
        Host = new ServerHost(Options.Running);
        AccessLog = new AccessLog(Options.AccessLog);
        Host.ServerProvisioned += (_, e) => For(e.Server);
        Host.ServerShutDown += (_, e) => Remove(e.Server);
    }

    public ServerHost Host { get; }

    public ContextFlowOptions Options { get; }

    public AccessLog AccessLog { get; }

    /// <summary>Set when the Generic Host starts stopping: a request for no server is then told so (503), not 404.</summary>
    public bool Stopping
    {
        get => Volatile.Read(ref _stopping);
        set => Volatile.Write(ref _stopping, value);
    }

    /// <summary>Notes where an admin API is mapped (<c>MapContextFlowAdmin</c>), which requests for no server may reach.</summary>
    public void AddAdminPath(PathString path)
    {
        lock (_gate)
        {
            _adminPaths = [.. _adminPaths, path];
        }
    }

    /// <summary>
    /// Whether a request for no server is for an admin API: routing matched it to an admin endpoint, or (when routing
    /// comes after <c>UseContextFlow()</c>) its path is under one.
    /// </summary>
    public bool IsAdminRequest(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AdminGuard.Metadata>() is not null)
        {
            return true;
        }

        foreach (var path in Volatile.Read(ref _adminPaths))
        {
            if (http.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The state of a hosted server, created on first call; <see langword="null"/> once the server has begun to shut
    /// down (it can no longer take the shutdown handler that drains its requests).
    /// </summary>
    public TenantState? For(Server server)
    {
        if (_states.TryGetValue(server, out var state))
        {
            return state;
        }

        lock (_gate)
        {
            if (_states.TryGetValue(server, out state))
            {
                return state;
            }

            state = TenantState.TryCreate(server, this);
            if (state is not null)
            {
                _states[server] = state;
            }

            return state;
        }
    }

    /// <summary>The state of a server if it has one already (never creates one).</summary>
    public TenantState? Peek(Server server) => _states.TryGetValue(server, out var state) ? state : null;

    public async ValueTask DisposeAsync()
    {
        await Host.ShutdownAsync().ConfigureAwait(false);
        foreach (var state in _states.Values)
        {
            state.Release();
        }

        _states.Clear();
    }

    private void Remove(Server server)
    {
        TenantState? state;
        lock (_gate)
        {
            _states.TryRemove(server, out state);
        }

        if (state is not null)
        {
            state.Release();
            Log.ForContext<TenantRegistry>().Debug("Released the web state of server {ServerName}", server.ServerName);
        }
    }
}
