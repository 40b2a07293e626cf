using System.Diagnostics;
using System.Threading;

namespace ContextFlow.Tests.Time;

/// <summary>What a callback saw of its surroundings when it ran.</summary>
internal sealed record CallbackObservation(string Context, string ServerName, bool HasParent, bool HasActivity, string? OtherAsyncLocal)
{
    /// <summary>An AsyncLocal that is not ours, standing for logger scopes and the like.</summary>
    public static readonly AsyncLocal<string?> Other = new();

    public static CallbackObservation Take()
    {
        var current = LoggingContext.Current;
        return new CallbackObservation(current.Name, current.ServerName, current.Parent is not null, Activity.Current is not null, Other.Value);
    }

    public static CallbackObservation Fresh(string name, string serverName) => new(name, serverName, false, false, null);
}
