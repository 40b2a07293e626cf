using System.Diagnostics.Metrics;

namespace ContextFlow.Metrics;

/// <summary>
/// The one <see cref="Meter"/> every ContextFlow instrument belongs to. Listen to it by name
/// (<c>"ContextFlow"</c>, e.g. <c>AddMeter("ContextFlow")</c> in OpenTelemetry). Every instrument is tagged
/// <c>server_name</c>; background-process and block instruments are also tagged <c>name</c>.
/// </summary>
public static class ContextFlowMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ContextFlow";

    /// <summary>The tag carrying the server (tenant) name.</summary>
    public const string ServerNameTag = "server_name";

    /// <summary>The tag carrying a background process's or block's name.</summary>
    public const string NameTag = "name";

    internal static Meter Meter { get; } = new(MeterName, typeof(ContextFlowMetrics).Assembly.GetName().Version?.ToString());
}
