using System;
using System.IO;
using ContextFlow.AspNetCore;
using ContextFlow.Hosting;
using Serilog.Configuration;
using Serilog.Events;

namespace Serilog;

/// <summary>Writes each ContextFlow server's log events to a file of its own.</summary>
public static class ServerFilesLoggerConfigurationExtensions
{
    /// <summary>The output template of <see cref="ServerFiles(LoggerSinkConfiguration, ServerHost, string, string, LogEventLevel)"/> by default.</summary>
    public const string DefaultOutputTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Request} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Writes each server's events to <c>{directory}/{server name}.log</c> through <c>Serilog.Sinks.File</c>: the file is
    /// opened on the server's first event and closed when the server shuts down (deprovisioned or not). Events that
    /// belong to no hosted server are not written here; add <c>WriteTo.Console()</c> (or any sink) for those. Needs
    /// <c>Enrich.FromLoggingContext()</c>, which gives every event its <c>ServerName</c>.
    /// </summary>
    /// <param name="writeTo">The sink configuration.</param>
    /// <param name="host">The servers whose files to keep, e.g. <c>services.GetRequiredService&lt;ServerHost&gt;()</c>.</param>
    /// <param name="directory">Where the files go; created when missing.</param>
    /// <param name="outputTemplate">How each line reads.</param>
    /// <param name="restrictedToMinimumLevel">The lowest level written to the files.</param>
    /// <returns>The logger configuration.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddSerilog((services, lc) => lc
    ///     .Enrich.FromLoggingContext()
    ///     .WriteTo.Console()
    ///     .WriteTo.ServerFiles(services.GetRequiredService&lt;ServerHost&gt;(), "logs"));
    /// </code>
    /// </example>
    public static LoggerConfiguration ServerFiles(
        this LoggerSinkConfiguration writeTo,
        ServerHost host,
        string directory,
        string outputTemplate = DefaultOutputTemplate,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(outputTemplate);
        return ServerFiles(writeTo, host, (serverName, sink) => sink.File(
            Path.Combine(directory, serverName + ".log"), outputTemplate: outputTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture), restrictedToMinimumLevel);
    }

    /// <summary>
    /// Writes each server's events to the sink <paramref name="configure"/> builds for it (a file with another format,
    /// rolling, a size limit), opened on the server's first event and disposed when the server shuts down.
    /// </summary>
    /// <param name="writeTo">The sink configuration.</param>
    /// <param name="host">The servers whose sinks to keep.</param>
    /// <param name="configure">Builds one server's sink from its name, e.g.
    /// <c>(name, wt) =&gt; wt.File(new CompactJsonFormatter(), $"logs/{name}.json")</c>; called once per life of a server.</param>
    /// <param name="restrictedToMinimumLevel">The lowest level written to these sinks.</param>
    /// <returns>The logger configuration.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static LoggerConfiguration ServerFiles(
        this LoggerSinkConfiguration writeTo,
        ServerHost host,
        Action<string, LoggerSinkConfiguration> configure,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(configure);
        return writeTo.Sink(
            new ServerFileSink(host, serverName => LoggerSinkConfiguration.CreateSink(sink => configure(serverName, sink))),
            restrictedToMinimumLevel);
    }
}
