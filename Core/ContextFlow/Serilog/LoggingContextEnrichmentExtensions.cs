using System;
using Serilog;
using Serilog.Configuration;

namespace ContextFlow.Serilog;

/// <summary>Wires <see cref="LoggingContextEnricher"/> into a Serilog configuration.</summary>
public static class LoggingContextEnrichmentExtensions
{
    /// <summary>
    /// Enriches every event with the current <see cref="LoggingContext"/>'s server name, context name and request fields.
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
