using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Serilog.Core;
using Serilog.Events;

namespace ContextFlow.Tests.Support;

/// <summary>A Serilog sink that keeps every event, safe to write from many threads.</summary>
public sealed class InMemorySink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => _events.ToList();

    public IEnumerable<string> Messages => _events.Select(e => e.RenderMessage());

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public static string? StringProperty(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: string s } ? s : null;
}
