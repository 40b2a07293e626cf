using System;
using System.Collections.Generic;
using ContextFlow.Hosting;
using Serilog.Core;
using Serilog.Events;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Sends each hosted server's events to a sink of its own (a file, through <c>Serilog.Sinks.File</c>), opened on the
/// server's first event and disposed — the file closed — when the server shuts down and leaves its
/// <see cref="ServerHost"/>. <c>Serilog.Sinks.Map</c> keeps a sink per key too, but cannot close one key's sink when its
/// server goes, which is the part written here.
/// </summary>
/// <remarks>
/// <para>
/// An event goes to a server's sink when its <c>ServerName</c> property names a server the host holds now; other
/// events (the sentinel, a configuration refused before any server existed, a server that has left) go nowhere here,
/// so a log file is only ever named after a validated server name. Once a server has shut down, its late events are
/// dropped rather than reopening the file; the same name provisioned again opens it again (appending).
/// </para>
/// <para>Thread-safe: events of one server are written one at a time, different servers' in parallel.</para>
/// </remarks>
internal sealed class ServerFileSink : ILogEventSink, IDisposable
{
    // The property .Enrich.FromLoggingContext() puts each event's server name in (a documented name, see the README).
    private const string ServerNameProperty = "ServerName";

    private readonly object _gate = new();
    private readonly ServerHost _host;
    private readonly Func<string, ILogEventSink> _open;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private bool _disposed;

    public ServerFileSink(ServerHost host, Func<string, ILogEventSink> open)
    {
        _host = host;
        _open = open;
        _host.ServerShutDown += OnServerShutDown;
    }

    /// <summary>The servers whose sink is open now.</summary>
    public IReadOnlyList<string> OpenServers
    {
        get
        {
            lock (_gate)
            {
                var open = new List<string>();
                foreach (var (name, entry) in _entries)
                {
                    if (!entry.Closed)
                    {
                        open.Add(name);
                    }
                }

                return open;
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        if (!logEvent.Properties.TryGetValue(ServerNameProperty, out var property) ||
            property is not ScalarValue { Value: string name } || !_host.TryGetServer(name, out var server))
        {
            return;
        }

        EntryFor(name, server.InstanceId)?.Emit(logEvent);
    }

    public void Dispose()
    {
        _host.ServerShutDown -= OnServerShutDown;
        List<Entry> entries;
        lock (_gate)
        {
            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            entry.Close();
        }
    }

    private Entry? EntryFor(string name, string instanceId)
    {
        Entry? replaced = null;
        Entry? entry;
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            if (_entries.TryGetValue(name, out entry) && entry.InstanceId == instanceId)
            {
                return entry;
            }

            // A new life of the name: the old one's sink (if its shutdown was missed) makes way.
            replaced = entry;
            entry = new Entry(instanceId, _open(name));
            _entries[name] = entry;
        }

        replaced?.Close();
        return entry;
    }

    private void OnServerShutDown(object? sender, ServerEventArgs e)
    {
        Entry? entry;
        lock (_gate)
        {
            // The entry stays, closed, so that late events of this life do not open the file again.
            if (!_entries.TryGetValue(e.Server.ServerName, out entry) || entry.InstanceId != e.Server.InstanceId)
            {
                return;
            }
        }

        entry.Close();
    }

    private sealed class Entry(string instanceId, ILogEventSink sink)
    {
        private readonly object _gate = new();

        public string InstanceId { get; } = instanceId;

        public bool Closed { get; private set; }

        public void Emit(LogEvent logEvent)
        {
            lock (_gate)
            {
                if (!Closed)
                {
                    sink.Emit(logEvent);
                }
            }
        }

        public void Close()
        {
            lock (_gate)
            {
                if (Closed)
                {
                    return;
                }

                Closed = true;
                (sink as IDisposable)?.Dispose();
            }
        }
    }
}
