using System;
using System.Threading;

namespace ContextFlow;

/// <summary>
/// Keeps a logging context current until disposed; disposing restores exactly what was current before.
/// Returned by <see cref="LoggingContext.Enter"/> and <see cref="LoggingContext.Preserve"/>; always dispose it
/// (<c>using</c>), on the same flow that created it.
/// </summary>
public readonly struct LoggingContextScope : IDisposable
{
    private readonly LoggingContext? _entered;
    private readonly LoggingContext? _previous;
    private readonly ExecutionContext? _before;
    private readonly ExecutionContext? _after;
    private readonly bool _finishOnExit;

    private LoggingContextScope(LoggingContext entered, LoggingContext? previous, ExecutionContext? before, ExecutionContext? after, bool finishOnExit)
    {
        _entered = entered;
        _previous = previous;
        _before = before;
        _after = after;
        _finishOnExit = finishOnExit;
    }

    internal static LoggingContextScope Switch(LoggingContext context, bool finishOnExit)
    {
        var previous = LoggingContext.CurrentOrNull;
        var before = ExecutionContext.Capture();
        LoggingContext.SetCurrent(context.IsSentinel ? null : context);
        return new LoggingContextScope(context, previous, before, ExecutionContext.Capture(), finishOnExit);
    }

    /// <summary>Restores the context that was current before the scope began; reports a mismatch through <see cref="LoggingContext.Errors"/>.</summary>
    public void Dispose()
    {
        if (_entered is null)
        {
            return;
        }

        // When nothing else changed the ExecutionContext inside the scope, the context is necessarily still ours,
        // and reinstating the captured ExecutionContext is exact and allocates nothing.
        if (_after is not null && _before is not null && ReferenceEquals(ExecutionContext.Capture(), _after))
        {
            ExecutionContext.Restore(_before);
        }
        else
        {
            // Something else changed: check, then set our value back and keep the other AsyncLocals' changes.
            var found = LoggingContext.Current;
            if (!ReferenceEquals(found, _entered))
            {
                LoggingContext.Errors.Report(found.IsSentinel
                    ? $"Expected logging context {_entered} was lost"
                    : $"Expected logging context {_entered} but found {found}");
            }

            LoggingContext.SetCurrent(_previous);
        }

        if (_finishOnExit)
        {
            _entered.MarkFinished();
        }
    }
}
