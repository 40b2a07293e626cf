using Serilog;
using Serilog.Events;

/// <summary>What both apps of the end-to-end benchmark share: the answer and the log sink.</summary>
public sealed class Bench
{
    /// <summary>The file sink's line: both apps' events carry ServerName and RequestId, each its own way.</summary>
    public const string OutputTemplate = "{Timestamp:o} [{Level:u3}] [{ServerName} {RequestId}] {Message:lj}{NewLine}";

    /// <summary>The same levels and the same file sink for both apps; only the enricher differs.</summary>
    public static LoggerConfiguration ToFile(LoggerConfiguration logging, string path) => logging
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .WriteTo.File(path, outputTemplate: OutputTemplate, buffered: true, formatProvider: System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The body of <c>GET /rooms/{room}</c>.</summary>
    public sealed record RoomView(string Room, string Server, int Messages);
}
