using System;
using System.Collections.Generic;

namespace ContextFlow.Time;

/// <summary>
/// Whether the process has finished starting up ("the reactor is running"). Callbacks registered with
/// <see cref="Clock.CallWhenRunning(Action)"/> before that moment run when <see cref="MarkRunning"/> is called; callbacks
/// registered afterwards run at once, which is what a server provisioned into an already running process needs.
/// </summary>
/// <remarks>
/// One signal is shared by every server in a process (<see cref="Process"/> is what a <see cref="Clock"/> uses
/// unless given another; tests pass their own). Members are thread-safe.
/// </remarks>
/// <example>
/// <code>
/// var signal = new RunningSignal();
/// var clock = new Clock(TimeProvider.System, "tenant-a.example", signal);
/// clock.CallWhenRunning(() => Log.Information("started"));   // waits
/// signal.MarkRunning();                                      // runs it, in a "call_when_running" context
/// </code>
/// </example>
public sealed class RunningSignal
{
    private readonly object _gate = new();
    private List<(Clock Owner, Action Callback)>? _pending = new();

    /// <summary>The signal of this process, used by every <see cref="Clock"/> created without one.</summary>
    public static RunningSignal Process { get; } = new();

    /// <summary>Whether <see cref="MarkRunning"/> has been called.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _pending is null;
            }
        }
    }

    /// <summary>
    /// Marks the process as running and runs every waiting callback on the calling thread, each in its own fresh
    /// context. Calling it again does nothing.
    /// </summary>
    public void MarkRunning()
    {
        List<(Clock Owner, Action Callback)>? pending;
        lock (_gate)
        {
            pending = _pending;
            _pending = null;
        }

        foreach (var (owner, callback) in pending ?? [])
        {
            owner.RunWhenRunningCallback(callback);
        }
    }

    /// <summary>The callbacks waiting for <see cref="MarkRunning"/>.</summary>
    internal int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending?.Count ?? 0;
            }
        }
    }

    /// <summary>Queues the callback; <see langword="false"/> when already running (the caller runs it itself).</summary>
    internal bool TryAdd(Clock owner, Action callback)
    {
        lock (_gate)
        {
            if (_pending is null)
            {
                return false;
            }

            _pending.Add((owner, callback));
            return true;
        }
    }

    /// <summary>Drops the callbacks a shut-down clock still had waiting, so the signal does not keep its server alive.</summary>
    internal void RemoveAll(Clock owner)
    {
        lock (_gate)
        {
            _pending?.RemoveAll(entry => ReferenceEquals(entry.Owner, owner));
        }
    }
}
