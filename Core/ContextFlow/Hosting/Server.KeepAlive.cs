using System;
using System.Threading;

namespace ContextFlow.Hosting;

public abstract partial class Server
{
    private int _keepAlive;
    private long _lastActive;

    /// <summary>
    /// Marks the server in use until the returned scope is disposed. A host that releases idle servers
    /// (<see cref="ServerDirectoryOptions.IdleTimeout"/>) never releases one while a scope is open, and counts its idle
    /// time from the moment the last one closed. A web front end opens one per request; open one around background
    /// work or a pending call that must keep the server alive (work that merely runs, such as a looping call, does not).
    /// </summary>
    /// <returns>The scope; dispose it once (<c>using</c>).</returns>
    /// <example>
    /// <code>
    /// BackgroundProcesses.RunAsBackgroundProcess("import", async ct =>
    /// {
    ///     using var busy = KeepAlive();      // not released while the import runs
    ///     await ImportAsync(ct);
    /// });
    /// </code>
    /// </example>
    public KeepAliveScope KeepAlive()
    {
        Interlocked.Increment(ref _keepAlive);
        return new KeepAliveScope(this);
    }

    /// <summary>Whether no keep-alive scope is open and none closed within <paramref name="idleTime"/>.</summary>
    internal bool IsIdleFor(TimeSpan idleTime) =>
        Volatile.Read(ref _keepAlive) == 0 && Clock.GetElapsedTime(Volatile.Read(ref _lastActive)) >= idleTime;

    internal void EndKeepAlive()
    {
        // The time first: a check that sees the count at zero then sees this scope's end too.
        Volatile.Write(ref _lastActive, Clock.GetTimestamp());
        Interlocked.Decrement(ref _keepAlive);
    }
}
