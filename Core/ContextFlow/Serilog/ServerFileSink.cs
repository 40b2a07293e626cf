using System;
using System.Collections.Generic;
using ContextFlow.Hosting;
using Serilog.Core;
using Serilog.Events;

namespace ContextFlow;

/// <summary>
/// Sends each server's events to a sink of its own (a file, through <c>Serilog.Sinks.File</c>), opened on the server's
/// first event and disposed — the file closed — when the server shuts down. <c>Serilog.Sinks.Map</c> keeps a sink per
/// key too, but cannot close one key's sink when its server goes, which is the part written here.
/// </summary>
/// <remarks>
/// <para>
/// An event goes to a server's sink when its <c>ServerName</c> property names a server alive in the process (built, and
/// not yet shut down: whoever hosts it, a <see cref="ServerHost"/>, an Orleans silo or the application's own code).
/// Inside a server's context the enricher sets that property to the context's server; in the sentinel it keeps one the
/// event carries itself, which then decides. Other events (the sentinel's own, a configuration refused before any
/// server existed, a server that has gone) go nowhere here, so a file is only ever named after a validated server name. Once the last instance of a name has shut down its
/// file is closed and late events are dropped rather than reopening it; the name alive again opens it again
/// (appending). Names are compared ignoring case, as everywhere: one server, one file.
/// </para>
/// <para>Thread-safe: events of one server are written one at a time, different servers' in parallel.</para>
/// </remarks>
internal sealed class ServerFileSink : ILogEventSink, IDisposable
{
    // The property .Enrich.FromLoggingContext() puts each event's server name in (a documented name, see the README).
    private const string ServerNameProperty = "ServerName";

    private readonly object _gate = new();
    private readonly Func<string, ILogEventSink> _open;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    public ServerFileSink(Func<string, ILogEventSink> open)
    {
        _open = open;
        LiveServers.NameEnded += OnNameEnded;
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
        if (logEvent.Properties.TryGetValue(ServerNameProperty, out var property) && property is ScalarValue { Value: string name })
        {
            EntryFor(name)?.Emit(logEvent);
        }
    }

    public void Dispose()
    {
        LiveServers.NameEnded -= OnNameEnded;
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

    private Entry? EntryFor(string name)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }

            if (_entries.TryGetValue(name, out var entry) && !entry.Closed)
            {
                return entry;
            }

            // Checked under the sink's lock, which the end of a name also takes: a name that is alive here gets its
            // file, and its end (which follows) closes it.
            if (!LiveServers.IsLive(name))
            {
                return null;
            }

            entry = new Entry(_open(name));
            _entries[name] = entry;
            return entry;
        }
    }

    private void OnNameEnded(string name)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.Remove(name, out entry))
            {
                return;
            }
        }

        entry.Close();
    }

    private sealed class Entry(ILogEventSink sink)
    {
        private readonly object _gate = new();

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
