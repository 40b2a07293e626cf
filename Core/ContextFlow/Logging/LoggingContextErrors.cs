using System;
using System.Threading;
using Serilog;

namespace ContextFlow;

/// <summary>
/// The one place every context-misuse report goes through ("Expected logging context X but found Y",
/// "Re-starting finished log context X", a callback that starts outside the sentinel, ...).
/// </summary>
/// <remarks>
/// By default a report is a Serilog warning. Tests install a handler that records or throws, so that misuse
/// fails the test instead of scrolling past in a log. The handler is process-wide; replacing it is thread-safe.
/// A handler that throws makes the misusing call throw where that is safe; reports raised on runtime callbacks
/// (timer and thread-pool plumbing) are never allowed to tear down the process.
/// </remarks>
/// <example>
/// <code>
/// var reports = new ConcurrentQueue&lt;string&gt;();
/// LoggingContext.Errors.Handler = reports.Enqueue;
/// </code>
/// </example>
public sealed class LoggingContextErrors
{
    private Action<string>? _handler;

    internal LoggingContextErrors()
    {
    }

    /// <summary>
    /// Replaces how reports are handled; <see langword="null"/> restores the default Serilog warning.
    /// </summary>
    public Action<string>? Handler
    {
        get => Volatile.Read(ref _handler);
        set => Volatile.Write(ref _handler, value);
    }

    // Internal: users set the handler; raising reports is the library's.
    internal void Report(string message)
    {
        var handler = Handler;
        if (handler is null)
        {
            Log.ForContext<LoggingContext>().Warning("{LogContextError}", message);
        }
        else
        {
            handler(message);
        }
    }
}
