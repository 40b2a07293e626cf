using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Hosting;

public sealed partial class ServerHost
{
    private const string ProvisionContextName = "provision";

    // Every name reserved or hosted, under _gate: a provisioning reserves its name before it builds anything.
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    private enum ServerEvent
    {
        Provisioned,
        ShutDown,
    }

    private Entry Reserve(string name)
    {
        lock (_gate)
        {
            if (_shutdown is not null)
            {
                throw HostShutDown(name);
            }

            if (_entries.TryGetValue(name, out var taken))
            {
                throw new ServerAlreadyHostedException(name, hosted: taken.Server is not null);
            }

            var entry = new Entry(name);
            _entries.Add(name, entry);
            return entry;
        }
    }

    /// <summary>Builds the server and attaches it to its reserved entry; on failure frees the name and shuts a built server down.</summary>
    private async Task<TServer> CreateAsync<TConfig, TServer>(Entry entry, TConfig config, Func<TConfig, RunningSignal, TServer> factory)
        where TConfig : ServerConfig
        where TServer : Server
    {
        TServer? server = null;
        try
        {
            server = Build(entry.Name, config, factory);
            CheckName(entry.Name, server);
            Attach(entry, server);
            return server;
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _entries.Remove(entry.Name);
            }

            LogRefused(entry.Name, ex);
            if (server is not null)
            {
                // A new server the host will not keep: shut it down so its clock and processes do not linger.
                await server.ShutdownAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Calls the factory and checks that it built a new server.</summary>
    private TServer Build<TConfig, TServer>(string name, TConfig config, Func<TConfig, RunningSignal, TServer> factory)
        where TConfig : ServerConfig
        where TServer : Server
    {
        var server = factory(config, Running) ?? throw new InvalidOperationException($"The factory for server {name} returned null");
        if (server.State != ServerState.Created || server.ShutDownObserver is not null)
        {
            throw new InvalidOperationException($"The factory for server {name} returned server {server.ServerName}, which is already {server.State}");
        }

        return server;
    }

    private static void CheckName(string name, Server server)
    {
        if (!string.Equals(server.ServerName, name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The factory for server {name} built server {server.ServerName}");
        }
    }

    private void Attach(Entry entry, Server server)
    {
        lock (_gate)
        {
            if (_shutdown is not null)
            {
                throw HostShutDown(entry.Name);
            }

            entry.Server = server;
            server.ShutDownObserver = OnServerShutDown;
            _servers[entry.Name] = server;
        }
    }

    /// <summary>After setup: whether the provisioning starts the server itself (the host runs), or leaves it to <see cref="StartAsync"/>.</summary>
    private bool StartsNow(Entry entry)
    {
        lock (_gate)
        {
            if (_started || Running.IsRunning)
            {
                return true;
            }

            entry.WaitsForHostStart = true;
            return false;
        }
    }

    private List<Server> TakeWaitingStartsLocked()
    {
        var waiting = _entries.Values.Where(e => e.WaitsForHostStart).ToList();
        foreach (var entry in waiting)
        {
            entry.WaitsForHostStart = false;
        }

        return [.. waiting.Select(e => e.Server!)];
    }

    /// <summary>Completes a provisioning, unless its server has begun to shut down: then it was overtaken.</summary>
    private bool TryComplete(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Gone || IsShuttingDown(entry.Server!))
            {
                entry.WaitsForHostStart = false;
                return false;
            }

            entry.Pending.Enqueue(ServerEvent.Provisioned);
        }

        Publish(entry);
        return true;
    }

    private void OnServerShutDown(Server server)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(server.ServerName, out entry) || !ReferenceEquals(entry.Server, server))
            {
                return;
            }

            _entries.Remove(server.ServerName);
            if (entry.Successor is { } successor && !entry.Deprovisioned)
            {
                // A restart: its new instance takes the name over, so no one else can meanwhile.
                _entries.Add(server.ServerName, successor);
            }

            _servers.TryRemove(new KeyValuePair<string, Server>(server.ServerName, server));
            entry.Gone = true;
            entry.WaitsForHostStart = false;
            entry.Pending.Enqueue(ServerEvent.ShutDown);
        }

        Publish(entry);
    }

    /// <summary>
    /// Raises the events queued for one server, in order. Whoever finds nobody raising them raises them all, so an
    /// event queued while a handler of the one before runs follows it, and never precedes it.
    /// </summary>
    private void Publish(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Raising)
            {
                return;
            }

            entry.Raising = true;
        }

        while (true)
        {
            ServerEvent next;
            lock (_gate)
            {
                if (!entry.Pending.TryDequeue(out next))
                {
                    entry.Raising = false;
                    return;
                }
            }

            var handler = next == ServerEvent.Provisioned ? ServerProvisioned : ServerShutDown;
            Raise(handler, entry.Server!);
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

    private static InvalidOperationException HostShutDown(string name) =>
        new($"Cannot provision server {name}. The host has been shut down");

    /// <summary>A name reserved or hosted, the server once built, and the events still to raise for it.</summary>
    private sealed class Entry(string name)
    {
        public string Name { get; } = name;

        public Server? Server { get; set; }

        // Set up before the host ran: StartAsync starts it.
        public bool WaitsForHostStart { get; set; }

        // Shut down and removed: a provisioning still under way was overtaken.
        public bool Gone { get; set; }

        // A restart's new instance, waiting for this one to shut down and take the name over.
        public Entry? Successor { get; set; }

        // Deprovisioned: a restart under way does not bring the server back.
        public bool Deprovisioned { get; set; }

        public Queue<ServerEvent> Pending { get; } = new();

        public bool Raising { get; set; }
    }
}
