using System;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;

/// <summary>What the apps of the end-to-end benchmark share: the answer and the log sink.</summary>
public sealed class Bench
{
    /// <summary>The file sink's line: every app's events carry ServerName and RequestId, each its own way.</summary>
    public const string OutputTemplate = "{Timestamp:o} [{Level:u3}] [{ServerName} {RequestId}] {Message:lj}{NewLine}";

    /// <summary>
    /// Every app's host: Kestrel on 127.0.0.1 at the port of <c>args[0]</c>, Serilog as the only logger, writing through
    /// <paramref name="enrich"/> (the one thing the apps' logging differs in) into the file <c>args[1]</c>.
    /// </summary>
    public static WebApplicationBuilder Builder(string[] args, Func<LoggerEnrichmentConfiguration, LoggerConfiguration> enrich)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls($"http://127.0.0.1:{int.Parse(args[0], CultureInfo.InvariantCulture)}");
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logging => ToFile(enrich(logging.Enrich), args[1]));
        return builder;
    }

    /// <summary>The same levels and the same file sink for every app; only the enricher differs.</summary>
    /// <remarks>
    /// No size limit: the sink's default of 1 GB, which a long run passes, would make it stop writing, and an app
    /// that stops writing its log gets cheaper for the rest of the run.
    /// </remarks>
    public static LoggerConfiguration ToFile(LoggerConfiguration logging, string path) => logging
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .WriteTo.File(path, outputTemplate: OutputTemplate, buffered: true, fileSizeLimitBytes: null,
            formatProvider: CultureInfo.InvariantCulture);

    /// <summary>The body of <c>GET /rooms/{room}</c>.</summary>
    public sealed record RoomView(string Room, string Server, int Messages);
}
