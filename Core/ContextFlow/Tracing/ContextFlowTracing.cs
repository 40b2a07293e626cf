using System.Diagnostics;

namespace ContextFlow.Tracing;

/// <summary>
/// The one <see cref="ActivitySource"/> ContextFlow starts activities from. Listen to it by name
/// (<c>"ContextFlow"</c>, e.g. <c>AddSource("ContextFlow")</c> in OpenTelemetry).
/// </summary>
public static class ContextFlowTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "ContextFlow";

    internal static ActivitySource Source { get; } = new(SourceName, typeof(ContextFlowTracing).Assembly.GetName().Version?.ToString());
}
