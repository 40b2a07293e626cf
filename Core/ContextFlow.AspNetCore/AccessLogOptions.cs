using System;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The access line, as Serilog's <c>RequestLoggingOptions</c> shape its request line: whether it is written, at which
/// level, and with or without the request's usage. Set through <see cref="ContextFlowOptions.AccessLog"/>.
/// </summary>
/// <remarks>Read once, when the application's services are built; not thread-safe while being configured.</remarks>
/// <example>
/// <code>
/// builder.Services.AddContextFlow(options =>
/// {
///     options.AccessLog.IncludeUsage = false;                      // the shorter line
///     options.AccessLog.GetLevel = (http, elapsedMs, exception) =>
///         elapsedMs > 1000 ? LogEventLevel.Warning : AccessLogOptions.DefaultLevel(http, elapsedMs, exception);
/// });
/// </code>
/// </example>
public sealed class AccessLogOptions
{
    private Func<HttpContext, double, Exception?, LogEventLevel> _getLevel = DefaultLevel;

    /// <summary>Whether an access line is written for each request routed to a server; on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether the line carries the request's usage (CPU when tracked, database transactions and their time, the wait
    /// for a connection, rows fetched), as text and as properties; on by default. Off, the line ends after the timings
    /// with the client: <c>Processed request: GET /rooms 200 118B in 0.5ms (sent 0.5ms) 127.0.0.1 - "curl/8.5.0"</c>.
    /// </summary>
    public bool IncludeUsage { get; set; } = true;

    /// <summary>
    /// The level of a request's line, from the request (its response's status is final), the milliseconds until the
    /// pipeline returned, and the exception it threw; <see cref="DefaultLevel"/> by default. A level the logger does not
    /// write costs nothing more: the line is not built.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public Func<HttpContext, double, Exception?, LogEventLevel> GetLevel
    {
        get => _getLevel;
        set => _getLevel = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Error for a request that threw or was answered 5xx, as Serilog's request logging does, except 503, which is
    /// Warning: it is how a server that is starting or shutting down answers (a request its shutdown cancelled
    /// included), and asks the client to retry, not a fault; Information for the rest.
    /// </summary>
    /// <param name="http">The request.</param>
    /// <param name="elapsedMs">Milliseconds until the pipeline returned.</param>
    /// <param name="exception">What the pipeline threw, if anything.</param>
    /// <returns>The level.</returns>
    public static LogEventLevel DefaultLevel(HttpContext http, double elapsedMs, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(http);
        var status = http.Response.StatusCode;
        return exception is not null ? LogEventLevel.Error
            : status == StatusCodes.Status503ServiceUnavailable ? LogEventLevel.Warning
            : status >= 500 ? LogEventLevel.Error
            : LogEventLevel.Information;
    }
}
