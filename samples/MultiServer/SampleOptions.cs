using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace MultiServer;

/// <summary>
/// The sample's own settings, from the section <c>Sample</c> of its configuration: <c>appsettings.json</c>, then the
/// environment (<c>Sample__Port</c>), then the command line, as every ASP.NET Core setting is. Bound by the
/// configuration binder.
/// </summary>
public sealed class SampleOptions
{
    public const int DefaultPort = 5080;

    /// <summary>Short command-line forms of the settings: <c>--port 0 --logs DIR --postgres "Host=…" --demo</c>.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--port"] = "Sample:Port",
        ["--logs"] = "Sample:Logs",
        ["--postgres"] = "Sample:Postgres",
        ["--demo"] = "Sample:Demo",
    };

    /// <summary>The port to listen on, on 127.0.0.1; 0 for any free one. 5080 by default, or a free one when taken.</summary>
    public int? Port { get; init; }

    /// <summary>Where the per-server log files go; <c>logs/</c> beside the program by default.</summary>
    public string? Logs { get; init; }

    /// <summary>Drive the service through its own API, print a summary and exit.</summary>
    public bool Demo { get; init; }

    /// <summary>A PostgreSQL connection string: keep the rooms there, one DatabasePool per server, instead of in memory.</summary>
    public string? Postgres { get; init; }

    public int PortOrFree => Port is { } port && (port == 0 || port != DefaultPort || IsFree(port)) ? port : IsFree(DefaultPort) ? DefaultPort : 0;

    public string LogDirectory => Path.GetFullPath(Logs ?? Path.Combine(AppContext.BaseDirectory, "logs"));

    /// <summary>
    /// The command line as the configuration reads it: a bare <c>--demo</c> (a switch the command-line provider would
    /// take the next word for the value of) becomes <c>--demo=true</c>.
    /// </summary>
    public static string[] CommandLine(string[] args) => [.. args.Select(a => a == "--demo" ? "--demo=true" : a)];

    public static void PrintWelcome(Uri address, string logDirectory, IEnumerable<string> servers, bool postgres)
    {
        var port = address.Port;
        var names = servers.ToArray();
        Console.WriteLine();
        Console.WriteLine($"ContextFlow MultiServer: {names.Length} servers on {address.ToString().TrimEnd('/')} ({string.Join(", ", names)})");
        Console.WriteLine($"  dashboard:  http://127.0.0.1:{port}/_contextflow/");
        Console.WriteLine($"  log files:  {logDirectory}");
        Console.WriteLine($"  rooms kept: {(postgres ? "in PostgreSQL" : "in memory")}");
        Console.WriteLine($"  servers:    {Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")} (ContextFlow:Servers): edit it, and a server appears, restarts or goes");
        Console.WriteLine("Try:");
        Console.WriteLine($"  curl http://alpha.localhost:{port}/rooms");
        Console.WriteLine($"  curl -X POST -H 'Content-Type: application/json' -d '{{\"text\":\"hello beta\"}}' http://beta.localhost:{port}/rooms/lobby/messages");
        Console.WriteLine($"  curl -H 'Host: gamma.localhost' http://127.0.0.1:{port}/");
        Console.WriteLine("Press Ctrl+C to shut every server down.");
        Console.WriteLine();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
