using System;

namespace ContextFlow.Time;

/// <summary>
/// A callback scheduled by <see cref="Clock.CallLater(TimeSpan, Action, bool)"/>: it runs once, unless cancelled
/// first by <see cref="Cancel"/> or by <see cref="Clock.Shutdown"/>.
/// </summary>
/// <remarks>Members are thread-safe; <see cref="Cancel"/> may race with the call firing, and exactly one wins.</remarks>
public interface IDelayedCall
{
    /// <summary>
    /// Whether the call is still pending: neither run (or started running) nor cancelled, by <see cref="Cancel"/> or by
    /// the clock's shutdown (including a call whose timer fired just as the clock shut down: it never runs).
    /// </summary>
    bool IsActive { get; }

    /// <summary>
    /// Cancels the call if it is still pending and stops tracking it for shutdown. Calling it again, or after the
    /// call ran, does nothing.
    /// </summary>
    /// <returns><see langword="true"/> when this call prevented the callback from running.</returns>
    bool Cancel();
}
