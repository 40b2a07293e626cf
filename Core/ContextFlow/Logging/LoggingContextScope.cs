using System;
using System.Threading;

namespace ContextFlow;

/// <summary>
/// Keeps a logging context current until disposed; disposing restores exactly what was current before.
/// Returned by <see cref="LoggingContext.Enter"/> and <see cref="LoggingContext.Preserve"/>; always dispose it
/// (<c>using</c>), once, on the flow that created it.
/// </summary>
/// <remarks>
/// <para>
/// Disposing first restores, then reports any misuse through <see cref="LoggingContext.Errors"/>, so a handler that
/// throws never leaves the flow in the scope's context. What is reported:
/// </para>
/// <list type="bullet">
/// <item>another context current at disposal ("Expected logging context X but found Y", "… X was lost"): an inner
/// scope was not disposed, or the context was changed under the scope. The scope still restores what it replaced.</item>
/// <item>disposal out of order: a scope disposed after the <see cref="LoggingContext.Enter"/> scope it was nested in.
/// The outer scope has already restored what it replaced, so the inner one leaves that in place.</item>
/// <item>a scope from <see cref="LoggingContext.Enter"/> disposed more than once. That is also how a scope disposed on
/// another thread shows up: a thread that inherited the context (<c>Task.Run</c>, <c>new Thread</c>) sees an exact copy
/// of the creating flow, indistinguishable from that flow resuming after an <c>await</c>, so the disposal there only
/// restores the other thread; the creating flow's own <c>using</c> then disposes the scope a second time, which
/// restores it and is reported.</item>
/// </list>
/// </remarks>
public readonly struct LoggingContextScope : IDisposable
{
    private readonly LoggingContext? _entered;
    private readonly LoggingContext? _previous;
    private readonly ExecutionContext? _before;
    private readonly ExecutionContext? _after;
    private readonly bool _finishOnExit;

    // Whether the entered and the previous context were already finished when the scope began: a context finished
    // since then had its own Enter scope disposed meanwhile.
    private readonly bool _enteredWasFinished;
    private readonly bool _previousWasFinished;

    private LoggingContextScope(
        LoggingContext entered, LoggingContext? previous, ExecutionContext? before, ExecutionContext? after, bool finishOnExit, bool enteredWasFinished)
    {
        _entered = entered;
        _previous = previous;
        _before = before;
        _after = after;
        _finishOnExit = finishOnExit;
        _enteredWasFinished = enteredWasFinished;
        _previousWasFinished = previous is { IsFinished: true };
    }

    internal static LoggingContextScope Switch(LoggingContext context, bool finishOnExit, bool enteredWasFinished = false)
    {
        var previous = LoggingContext.CurrentOrNull;
        var before = ExecutionContext.Capture();
        LoggingContext.SetCurrent(context.IsSentinel ? null : context);
        return new LoggingContextScope(context, previous, before, ExecutionContext.Capture(), finishOnExit, enteredWasFinished);
    }

    /// <summary>
    /// Restores the context that was current before the scope began, then reports a misuse (see the remarks) through
    /// <see cref="LoggingContext.Errors"/>.
    /// </summary>
    public void Dispose()
    {
        if (_entered is null)
        {
            return;
        }

        var again = _finishOnExit && !_enteredWasFinished && _entered.IsFinished;
        string? report = null;

        // When nothing else changed the ExecutionContext inside the scope, the context is necessarily still ours,
        // and reinstating the captured ExecutionContext is exact and allocates nothing.
        if (_after is not null && _before is not null && ReferenceEquals(ExecutionContext.Capture(), _after))
        {
            ExecutionContext.Restore(_before);
        }
        else
        {
            // Something else changed: set our value back and keep the other AsyncLocals' changes, unless this flow
            // is no longer in the scope at all.
            var found = LoggingContext.Current;
            if (ReferenceEquals(found, _entered))
            {
                LoggingContext.SetCurrent(_previous);
            }
            else if (!again)
            {
                var unwound = _previous is { IsFinished: true } && !_previousWasFinished;
                if (unwound)
                {
                    report = $"Logging context {_entered} disposed out of order: the scope of {_previous} it was entered in was disposed first";
                }
                else
                {
                    report = found.IsSentinel
                        ? $"Expected logging context {_entered} was lost"
                        : $"Expected logging context {_entered} but found {found}";
                    LoggingContext.SetCurrent(_previous);
                }
            }
        }

        if (_finishOnExit)
        {
            _entered.MarkFinished();
        }

        if (again)
        {
            report = $"Logging context scope {_entered} disposed more than once: a scope is disposed once, on the flow that entered it";
        }

        if (report is not null)
        {
            LoggingContext.Errors.Report(report);
        }
    }
}
