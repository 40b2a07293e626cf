using System;
using System.Collections.Generic;

namespace ContextFlow.Hosting;

/// <summary>
/// The names of the servers alive in the process (constructed, and not yet shut down), counted per name ignoring case,
/// for what keeps something per server without a reference to any host: the per-server log files. Holds names only, so
/// it keeps no server alive.
/// </summary>
/// <remarks>
/// A name counts more than once while two instances live, as during a restart (the new one is set up while the old one
/// serves), so a file stays open until the last instance of its name has gone. Thread-safe; <see cref="NameEnded"/>
/// handlers run on the thread that completed the shutdown, outside the lock.
/// </remarks>
internal static class LiveServers
{
    private static readonly object s_gate = new();
    private static readonly Dictionary<string, int> s_counts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Raised when the last live server of a name has shut down.</summary>
    public static event Action<string>? NameEnded;

    public static bool IsLive(string serverName)
    {
        lock (s_gate)
        {
            return s_counts.ContainsKey(serverName);
        }
    }

    public static void Started(string serverName)
    {
        lock (s_gate)
        {
            s_counts[serverName] = s_counts.GetValueOrDefault(serverName) + 1;
        }
    }

    public static void Ended(string serverName)
    {
        lock (s_gate)
        {
            if (!s_counts.TryGetValue(serverName, out var count))
            {
                return;
            }

            if (count > 1)
            {
                s_counts[serverName] = count - 1;
                return;
            }

            s_counts.Remove(serverName);
        }

        NameEnded?.Invoke(serverName);
    }
}
