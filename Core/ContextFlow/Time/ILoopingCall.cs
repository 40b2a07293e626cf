using System;

namespace ContextFlow.Time;

/// <summary>
/// A callback run repeatedly by <see cref="Clock.LoopingCall(TimeSpan, Func{System.Threading.Tasks.Task})"/> or
/// <see cref="Clock.LoopingCallNow(TimeSpan, Func{System.Threading.Tasks.Task})"/> until stopped, until the clock shuts
/// down, or until one run fails.
/// </summary>
/// <remarks>Members are thread-safe.</remarks>
public interface ILoopingCall
{
    /// <summary>The time between the starts of two runs (runs are aligned to a grid of this interval).</summary>
    TimeSpan Interval { get; }

    /// <summary>Whether further runs will happen: not stopped, not shut down, and no run has failed.</summary>
    bool IsRunning { get; }

    /// <summary>
    /// Stops the loop: no further run starts, except one that another thread was already starting at that moment (for
    /// the stronger guarantee of waiting for it, see <see cref="Clock.Shutdown"/>). A run in progress is not
    /// interrupted. Calling it again does nothing.
    /// </summary>
    void Stop();
}
