using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using ContextFlow;

namespace ContextFlow.Benchmarks.Generators;

[ContextDecorator]
public interface IPriceList
{
    int PriceOf(int item);
}

public sealed class PriceList : IPriceList
{
    public int PriceOf(int item) => item * 3;
}

/// <summary>
/// One call through the generated context decorator (a child context plus seven block instruments), against the call
/// without it and against the usual hand-written wrapper: a Stopwatch and one histogram record with two tags. Calls
/// run inside a request context, with or without a listener on the instruments.
/// </summary>
[MemoryDiagnoser]
public class DecoratorBenchmarks
{
    private static readonly Meter s_handWrittenMeter = new("ContextFlow.Benchmarks.HandWritten");
    private static readonly Histogram<double> s_handWrittenDuration = s_handWrittenMeter.CreateHistogram<double>("price_list.duration", "s");

    private readonly IPriceList _inner = new PriceList();
    private readonly IPriceList _decorated = new PriceListContextDecorator(new PriceList());
    private MeterListener? _listener;
    private LoggingContextScope _request;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Listening)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name is "ContextFlow" or "ContextFlow.Benchmarks.HandWritten")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
            _listener.Start();
        }

        _request = new LoggingContext("GET-1", "bench.example").Enter();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _request.Dispose();
        _listener?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Direct() => _inner.PriceOf(7);

    [Benchmark]
    public int HandWrittenStopwatchAndHistogram()
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return _inner.PriceOf(7);
        }
        finally
        {
            s_handWrittenDuration.Record(
                Stopwatch.GetElapsedTime(start).TotalSeconds,
                new("name", "IPriceList.PriceOf"),
                new("server_name", LoggingContext.Current.ServerName));
        }
    }

    [Benchmark]
    public int GeneratedDecorator() => _decorated.PriceOf(7);
}
