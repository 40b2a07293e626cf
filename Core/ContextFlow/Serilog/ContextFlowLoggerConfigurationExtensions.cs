using System;
using System.Globalization;
using System.IO;
using ContextFlow;
using Serilog.Configuration;
using Serilog.Events;

// In Serilog's namespace, as Serilog's own enricher and sink packages do, so .Enrich.FromLoggingContext() and
// .WriteTo.ServerFiles() need no using. The enricher itself sits with LoggingContext in Logging/.
namespace Serilog;

/// <summary>Adds ContextFlow's enricher and per-server sinks to a Serilog configuration.</summary>
public static class ContextFlowLoggerConfigurationExtensions
{
    /// <summary>The output template of <see cref="ServerFiles(LoggerSinkConfiguration, string, string, LogEventLevel)"/> by default.</summary>
    public const string DefaultServerFileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Request} {SourceContext}: {Message:lj}{NewLine}{Exception}";

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

    /// <summary>
    /// Writes each server's events to <c>{directory}/{server name}.log</c> through <c>Serilog.Sinks.File</c>: the file is
    /// opened on the server's first event and closed, flushed, when the server has shut down, whoever hosts it (a
    /// <c>ServerHost</c>, an Orleans silo, the application's own code). An event goes to the file its <c>ServerName</c>
    /// property names, while that server is live: inside a server's context that is the context's server; in the
    /// sentinel it is a <c>ServerName</c> the event carries itself (a message property, another enricher), so log about a
    /// server from outside it under another name (<c>{RequestedServer}</c>) unless the line belongs in its file. Events
    /// that name no live server are not written here; add <c>WriteTo.Console()</c> (or any sink) for those. Needs
    /// <see cref="FromLoggingContext"/>, which gives every event its <c>ServerName</c>.
    /// </summary>
    /// <param name="writeTo">The sink configuration.</param>
    /// <param name="directory">Where the files go; created when missing.</param>
    /// <param name="outputTemplate">How each line reads.</param>
    /// <param name="restrictedToMinimumLevel">The lowest level written to the files.</param>
    /// <returns>The logger configuration.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// Log.Logger = new LoggerConfiguration()
    ///     .Enrich.FromLoggingContext()
    ///     .WriteTo.Console()
    ///     .WriteTo.ServerFiles("logs")            // logs/alpha.example.log, logs/beta.example.log, ...
    ///     .CreateLogger();
    /// </code>
    /// </example>
    public static LoggerConfiguration ServerFiles(
        this LoggerSinkConfiguration writeTo,
        string directory,
        string outputTemplate = DefaultServerFileTemplate,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(outputTemplate);
        return ServerFiles(
            writeTo,
            (serverName, sink) => sink.File(Path.Combine(directory, serverName + ".log"), outputTemplate: outputTemplate, formatProvider: CultureInfo.InvariantCulture),
            restrictedToMinimumLevel);
    }

    /// <summary>
    /// Writes each server's events to the sink <paramref name="configure"/> builds for it (a file with another format,
    /// rolling, a size limit), opened on the server's first event and disposed when the server has shut down.
    /// </summary>
    /// <param name="writeTo">The sink configuration.</param>
    /// <param name="configure">Builds one server's sink from its name, e.g.
    /// <c>(name, wt) =&gt; wt.File(new CompactJsonFormatter(), $"logs/{name}.json")</c>; called once per life of a server.</param>
    /// <param name="restrictedToMinimumLevel">The lowest level written to these sinks.</param>
    /// <returns>The logger configuration.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static LoggerConfiguration ServerFiles(
        this LoggerSinkConfiguration writeTo,
        Action<string, LoggerSinkConfiguration> configure,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        ArgumentNullException.ThrowIfNull(configure);
        return writeTo.Sink(
            new ServerFileSink(serverName => LoggerSinkConfiguration.CreateSink(sink => configure(serverName, sink))),
            restrictedToMinimumLevel);
    }
}
