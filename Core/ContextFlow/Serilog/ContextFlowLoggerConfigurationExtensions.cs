using System;
using ContextFlow;
using Serilog.Configuration;

// In Serilog's namespace, as Serilog's own enricher packages do, so .Enrich.FromLoggingContext() needs no using.
// The folder's one file: ContextFlow's other Serilog code (the enricher) sits with LoggingContext in Logging/.
namespace Serilog;

/// <summary>Adds ContextFlow's enricher to a Serilog configuration.</summary>
public static class ContextFlowLoggerConfigurationExtensions
{
    /// <summary>
    /// Enriches every event with the current <see cref="LoggingContext"/>'s server name (<c>ServerName</c>), context
    /// name (<c>Request</c>) and, when the context has <see cref="RequestInfo"/>, its fields (<c>RequestId</c>,
    /// <c>Method</c>, <c>Url</c>, ...). In the sentinel it adds the sentinel's names only to events that do not already
    /// carry them, so properties set by other enrichers survive.
    /// </summary>
    /// <example>
    /// <code>
    /// Log.Logger = new LoggerConfiguration()
    ///     .Enrich.FromLoggingContext()
    ///     .WriteTo.Console(outputTemplate: "[{ServerName} {Request}] {Message:lj}{NewLine}")
    ///     .CreateLogger();
    /// </code>
    /// </example>
    /// <exception cref="ArgumentNullException"><paramref name="enrich"/> is <see langword="null"/>.</exception>
    public static LoggerConfiguration FromLoggingContext(this LoggerEnrichmentConfiguration enrich)
    {
        ArgumentNullException.ThrowIfNull(enrich);
        return enrich.With<LoggingContextEnricher>();
    }
}
