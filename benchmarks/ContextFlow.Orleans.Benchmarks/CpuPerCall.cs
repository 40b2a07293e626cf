using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>
/// The process's CPU time per grain call, beside BenchmarkDotNet's wall-clock columns. A call from one silo to another
/// is a chain of hand-offs between threads, so its wall-clock time is mostly how soon each waiting thread gets a core
/// again, which other processes on a shared machine move by more than the code under test does; the CPU time the
/// process spent is what the call costs, and moves far less. Each invocation of a benchmark method records its
/// process CPU time per call (all silos, the client, the GC: everything in the process); the column shows the median
/// over every invocation of the row, warm-up included, which a few hundred measured invocations outweigh.
/// </summary>
/// <remarks>
/// Works with the in-process toolchain this project runs with, where the benchmark and the summary share a process.
/// </remarks>
public static class CpuPerCall
{
    private static readonly ConcurrentDictionary<string, List<double>> s_samples = new(StringComparer.Ordinal);

    /// <summary>Starts measuring one invocation of the calling benchmark method, which makes <paramref name="calls"/> calls.</summary>
    /// <remarks>
    /// The class is named by <typeparamref name="TBenchmark"/>, not by the instance: BenchmarkDotNet's in-process
    /// toolchain runs the methods on a type it derives from the benchmark class.
    /// </remarks>
    /// <param name="calls">How many calls the invocation makes.</param>
    /// <param name="parameters">The case's parameters as <see cref="Parameters"/> writes them.</param>
    /// <param name="method">The benchmark method.</param>
    public static Measurement Start<TBenchmark>(int calls, string parameters, [CallerMemberName] string method = "") =>
        new(Key(typeof(TBenchmark), method, parameters), calls, Environment.CpuUsage.TotalTime);

    /// <summary>A case's parameters as the key of its samples: <c>"InFlight=16"</c>.</summary>
    public static string Parameters(params (string Name, object Value)[] parameters) =>
        string.Join(",", parameters.Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Value}")));

    /// <summary>The median CPU time per call of a benchmark method's invocations so far; null if none.</summary>
    public static TimeSpan? Median(Type type, string method, string parameters)
    {
        if (!s_samples.TryGetValue(Key(type, method, parameters), out var samples))
        {
            return null;
        }

        double[] sorted;
        lock (samples)
        {
            if (samples.Count == 0)
            {
                return null;
            }

            sorted = [.. samples];
        }

        Array.Sort(sorted);
        return TimeSpan.FromTicks((long)sorted[sorted.Length / 2]);
    }

    private static string Key(Type type, string method, string parameters) => $"{type.FullName}.{method}({parameters})";

    private static void Record(string key, double ticksPerCall)
    {
        var samples = s_samples.GetOrAdd(key, static _ => new List<double>(4096));
        lock (samples)
        {
            samples.Add(ticksPerCall);
        }
    }

    /// <summary>One invocation being measured; dispose it when the invocation's calls have completed.</summary>
    public readonly struct Measurement(string key, int calls, TimeSpan startedAt) : IDisposable
    {
        public void Dispose() => Record(key, (Environment.CpuUsage.TotalTime - startedAt).Ticks / (double)calls);
    }

    /// <summary>Adds the column to a benchmark class: <c>[Config(typeof(CpuPerCall.Config))]</c>.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new Column());
    }

    private sealed class Column : IColumn
    {
        public string Id => nameof(CpuPerCall);

        public string ColumnName => "CPU/call";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "Median process CPU time (all threads) per call over the row's invocations";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            Median(benchmarkCase.Descriptor.Type, benchmarkCase.Descriptor.WorkloadMethod.Name,
                    Parameters([.. benchmarkCase.Parameters.Items.Select(static p => (p.Name, p.Value))])) is { } cpu
                ? string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalMicroseconds:F2} us")
                : "-";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
