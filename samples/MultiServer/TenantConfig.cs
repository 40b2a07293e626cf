using System;
using ContextFlow.Hosting;

namespace MultiServer;

/// <summary>
/// One tenant's settings. The admin API takes them as JSON (<c>{"serverName": "delta.localhost", "maxRooms": 5}</c>);
/// <see cref="Validate"/> checks the whole once, before the server is built.
/// </summary>
public sealed class TenantConfig : ServerConfig
{
    /// <summary>How many rooms the tenant may create.</summary>
    public int MaxRooms { get; init; } = 50;

    /// <summary>How often the tenant logs a load report (a looping call on its clock).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest message accepted, in characters.</summary>
    public int MaxMessageLength { get; init; } = 2000;

    public override void Validate()
    {
        base.Validate();
        if (MaxRooms < 1)
        {
            throw new ConfigException($"{nameof(MaxRooms)} must be at least 1; it is {MaxRooms}", nameof(MaxRooms));
        }

        if (ReportInterval < TimeSpan.FromSeconds(1))
        {
            throw new ConfigException($"{nameof(ReportInterval)} must be at least a second; it is {ReportInterval}", nameof(ReportInterval));
        }

        if (MaxMessageLength is < 1 or > 100_000)
        {
            throw new ConfigException($"{nameof(MaxMessageLength)} must be between 1 and 100000; it is {MaxMessageLength}", nameof(MaxMessageLength));
        }
    }
}
