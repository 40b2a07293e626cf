using System;
using BenchmarkDotNet.Attributes;
using ContextFlow;
using Serilog;
using Serilog.Context;
using Serilog.Core;
using Serilog.Events;

namespace ContextFlow.Benchmarks.Logging;

/// <summary>
/// Logging one event through a full Serilog pipeline into a sink that drops it: enriched from the current
/// LoggingContext (server name, context name) against Serilog's own LogContext with two pushed properties.
/// </summary>
[MemoryDiagnoser]
public class EnrichBenchmarks
{
    private Logger _fromLoggingContext = null!;
    private Logger _fromLogContext = null!;
    private Logger _plain = null!;
    private IDisposable _pushed = null!;
    private LoggingContextScope _scope;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new LoggerConfiguration().WriteTo.Sink(new NullSink()).CreateLogger();
        _fromLoggingContext = new LoggerConfiguration().Enrich.FromLoggingContext().WriteTo.Sink(new NullSink()).CreateLogger();
        _fromLogContext = new LoggerConfiguration().Enrich.FromLogContext().WriteTo.Sink(new NullSink()).CreateLogger();

        // Both ambient states are set once on the benchmark thread, as a request would set them once.
        _scope = LoggingContext.Preserve(new LoggingContext("GET-1", "bench.example"));
        _pushed = new CompositeDisposable(LogContext.PushProperty("ServerName", "bench.example"), LogContext.PushProperty("Request", "GET-1"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pushed.Dispose();
        _scope.Dispose();
    }

    [Benchmark]
    public void NoEnrichment() => _plain.Information("Handled {Count} items", 3);

    [Benchmark(Baseline = true)]
    public void SerilogLogContextTwoProperties() => _fromLogContext.Information("Handled {Count} items", 3);

    [Benchmark]
    public void FromLoggingContext() => _fromLoggingContext.Information("Handled {Count} items", 3);

    private sealed class NullSink : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
        }
    }

    private sealed class CompositeDisposable(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            second.Dispose();
            first.Dispose();
        }
    }
}
