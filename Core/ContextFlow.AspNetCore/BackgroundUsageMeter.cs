using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using ContextFlow.Metrics;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Reads the background-process instruments of the <c>"ContextFlow"</c> meter per server: how many processes are in
/// flight, and the CPU and database seconds they have used. The web layer learns them the way any metrics exporter
/// does, so the core library exposes nothing extra for it.
/// </summary>
/// <remarks>
/// Thread-safe. The in-flight count follows the up-down counter from when the listener starts, which is when the
/// application's services are built, before any server exists. The usage counters are observable and are collected at
/// most once a second, however many servers ask.
/// </remarks>
internal sealed class BackgroundUsageMeter : IDisposable
{
    private const string InFlightName = "contextflow.background_process.in_flight";
    private const string CpuTimeName = "contextflow.background_process.cpu_time";
    private const string DbDurationName = "contextflow.background_process.db_transaction_duration";

    private static readonly long s_collectEvery = Stopwatch.Frequency;

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ServerFigures> _servers = new(StringComparer.Ordinal);
    private readonly object _collectGate = new();
    private long _lastCollect = long.MinValue;

    public BackgroundUsageMeter()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == ContextFlowMetrics.MeterName && instrument.Name is InFlightName or CpuTimeName or DbDurationName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    /// <summary>The figures of one server's background processes.</summary>
    public (int InFlight, double CpuSeconds, double DbSeconds) For(string serverName)
    {
        Collect();
        if (!_servers.TryGetValue(serverName, out var figures))
        {
            return (0, 0, 0);
        }

        return (figures.InFlight, figures.Sum(CpuTimeName), figures.Sum(DbDurationName));
    }

    public void Dispose() => _listener.Dispose();

    private static (string? Server, string? Name) Tags(ReadOnlySpan<System.Collections.Generic.KeyValuePair<string, object?>> tags)
    {
        string? server = null;
        string? name = null;
        foreach (var tag in tags)
        {
            if (tag.Key == ContextFlowMetrics.ServerNameTag)
            {
                server = tag.Value as string;
            }
            else if (tag.Key == ContextFlowMetrics.NameTag)
            {
                name = tag.Value as string;
            }
        }

        return (server, name);
    }

    private void Collect()
    {
        var now = Stopwatch.GetTimestamp();
        if (now - Volatile.Read(ref _lastCollect) < s_collectEvery || !Monitor.TryEnter(_collectGate))
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastCollect, now);
            _listener.RecordObservableInstruments();
        }
        finally
        {
            Monitor.Exit(_collectGate);
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<System.Collections.Generic.KeyValuePair<string, object?>> tags, object? state)
    {
        var (server, _) = Tags(tags);
        if (server is not null && instrument.Name == InFlightName)
        {
            _servers.GetOrAdd(server, static _ => new ServerFigures()).AddInFlight(value);
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<System.Collections.Generic.KeyValuePair<string, object?>> tags, object? state)
    {
        var (server, name) = Tags(tags);
        if (server is not null && name is not null)
        {
            _servers.GetOrAdd(server, static _ => new ServerFigures()).SetTotal(instrument.Name, name, value);
        }
    }

    private sealed class ServerFigures
    {
        private readonly ConcurrentDictionary<(string Instrument, string Name), double> _totals = new();
        private long _inFlight;

        public int InFlight => (int)Math.Max(0, Interlocked.Read(ref _inFlight));

        public void AddInFlight(long delta) => Interlocked.Add(ref _inFlight, delta);

        public void SetTotal(string instrument, string name, double value) => _totals[(instrument, name)] = value;

        public double Sum(string instrument)
        {
            var sum = 0.0;
            foreach (var ((i, _), value) in _totals)
            {
                if (i == instrument)
                {
                    sum += value;
                }
            }

            return sum;
        }
    }
}
