using System.Threading;
using BenchmarkDotNet.Attributes;
using ContextFlow;

namespace ContextFlow.Benchmarks.Logging;

/// <summary>
/// Switching to a context and back, against the cheapest thing that could flow a value: a bare AsyncLocal set and
/// restore. <c>Preserve(context)</c> runs the same switch as <c>Enter()</c> minus the "finished" flag (a context
/// can be entered only once without a report), so it stands in for enter+dispose here.
/// </summary>
[MemoryDiagnoser]
public class ScopeBenchmarks
{
    private static readonly AsyncLocal<object?> s_bare = new();
    private readonly LoggingContext _context = new("bench", "bench.example");
    private readonly object _value = new();

    [Params(false, true)]
    public bool OtherAsyncLocalsPresent { get; set; }

    [Params(false, true)]
    public bool TrackCpuTime { get; set; }

    private static readonly AsyncLocal<object?> s_other = new();

    [GlobalSetup]
    public void Setup()
    {
        LoggingContext.TrackCpuTime = TrackCpuTime;
        if (OtherAsyncLocalsPresent)
        {
            // A real request flow also carries Activity.Current, logger scopes and the like.
            s_other.Value = new object();
        }
    }

    [Benchmark(Baseline = true)]
    public object? BareAsyncLocalSetRestore()
    {
        var previous = s_bare.Value;
        s_bare.Value = _value;
        s_bare.Value = previous;
        return previous;
    }

    [Benchmark]
    public void ScopeEnterDispose()
    {
        using (LoggingContext.Preserve(_context))
        {
        }
    }
}
