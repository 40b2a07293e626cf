using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Serilog;

namespace ContextFlow.Tests.Support;

/// <summary>
/// Base of every Core test: the test starts and ends in the sentinel, and any report through
/// <see cref="LoggingContext.Errors"/> fails it unless the test asked for it with <see cref="TakeErrors"/>.
/// Serilog's static logger writes to <see cref="Log"/> for the duration of the test.
/// </summary>
[NonParallelizable]
public abstract class ContextCleanFixture
{
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>Everything Core logged during the test.</summary>
    protected InMemorySink Log { get; private set; } = null!;

    [SetUp]
    public void StartClean()
    {
        Assert.That(LoggingContext.Current.IsSentinel, "the test must start in the sentinel context");
        _errors.Clear();
        LoggingContext.Errors.Handler = _errors.Enqueue;
        Log = new InMemorySink();
        Serilog.Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.FromLogContext()
            .WriteTo.Sink(Log)
            .CreateLogger();
    }

    [TearDown]
    public void EndClean()
    {
        var leftOver = _errors.ToList();
        LoggingContext.Errors.Handler = null;
        LoggingContext.TrackCpuTime = false;
        Serilog.Log.Logger = Serilog.Core.Logger.None;
        var current = LoggingContext.Current;
        if (!current.IsSentinel)
        {
            LoggingContext.SetCurrent(null);
        }

        Assert.Multiple(() =>
        {
            Assert.That(leftOver, Is.Empty, "logging-context errors were reported");
            Assert.That(current.IsSentinel, $"the test must end in the sentinel context, but {current} is current");
        });
    }

    /// <summary>Returns and clears the errors reported so far, for tests that provoke them on purpose.</summary>
    protected IReadOnlyList<string> TakeErrors()
    {
        var taken = new List<string>();
        while (_errors.TryDequeue(out var error))
        {
            taken.Add(error);
        }

        return taken;
    }
}
