using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Orleans.Hosting;
using Orleans.Runtime;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// What Orleans' own mechanisms cost on the call <see cref="GrainCallBenchmarks"/> measures, without ContextFlow: the
/// same cross-silo call to a plain grain, carrying values in <see cref="RequestContext"/> by hand (two strings, or one),
/// or passing through a filter that does nothing: a silo-wide outgoing one, a silo-wide incoming one, or the target
/// grain's own. These are the prices ContextFlow's choices are made against.
/// </summary>
public class OrleansMechanismBenchmarks : CrossSiloCalls<OrleansMechanismBenchmarks>
{
    [GlobalSetup(Targets = [nameof(PlainCall), nameof(TwoStringsInRequestContext), nameof(OneStringInRequestContext)])]
    public Task SetUpPlainAsync() => SetUpAsync(contextFlow: false, TargetKind.Plain);

    [GlobalSetup(Target = nameof(NoOpOutgoingFilter))]
    public Task SetUpOutgoingAsync() =>
        SetUpAsync(contextFlow: false, TargetKind.Plain, static silo => silo.AddOutgoingGrainCallFilter(static context => context.Invoke()));

    [GlobalSetup(Target = nameof(NoOpIncomingFilter))]
    public Task SetUpIncomingAsync() =>
        SetUpAsync(contextFlow: false, TargetKind.Plain, static silo => silo.AddIncomingGrainCallFilter(static context => context.Invoke()));

    [GlobalSetup(Target = nameof(NoOpGrainLevelFilter))]
    public Task SetUpGrainLevelAsync() => SetUpAsync(contextFlow: false, TargetKind.Filtered);

    /// <summary>The plain call, carrying nothing, no filter anywhere.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public Task<int> PlainCall() => CallAsync(nameof(PlainCall));

    /// <summary>A request id and a requester carried as two entries, as one would write it by hand.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> TwoStringsInRequestContext() => CarryingAsync(("RequestId", "GET-1"), ("Requester", "@bench:edge"));

    /// <summary>The same two values in one entry, as ContextFlow carries them.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> OneStringInRequestContext() => CarryingAsync(("ContextFlow.Request", "5:GET-1@bench:edge"));

    /// <summary>Nothing carried; a silo-wide outgoing filter that only passes the call on.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> NoOpOutgoingFilter() => CallAsync(nameof(NoOpOutgoingFilter));

    /// <summary>Nothing carried; a silo-wide incoming filter that only passes the call on.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> NoOpIncomingFilter() => CallAsync(nameof(NoOpIncomingFilter));

    /// <summary>Nothing carried; the target grain is its own incoming filter, which only passes the call on.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public Task<int> NoOpGrainLevelFilter() => CallAsync(nameof(NoOpGrainLevelFilter));

    private async Task<int> CarryingAsync((string Key, string Value) first, (string Key, string Value)? second = null, [CallerMemberName] string method = "")
    {
        RequestContext.Set(first.Key, first.Value);
        if (second is { } s)
        {
            RequestContext.Set(s.Key, s.Value);
        }

        try
        {
            return await CallAsync(method);
        }
        finally
        {
            RequestContext.Clear();
        }
    }
}
