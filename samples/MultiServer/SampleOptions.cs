using System;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace MultiServer;

/// <summary>The sample's command line, and what it prints for a person to try.</summary>
public sealed record SampleOptions(int Port, string LogDirectory, bool Demo, string? Postgres)
{
    public const int DefaultPort = 5080;

    public static readonly string[] Tenants = ["alpha.localhost", "beta.localhost", "gamma.localhost"];

    public static SampleOptions? Parse(string[] args)
    {
        int? port = null;
        var logs = Path.Combine(AppContext.BaseDirectory, "logs");
        var demo = false;
        string? postgres = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--demo":
                    demo = true;
                    break;
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var p) && p is >= 0 and <= 65535:
                    port = p;
                    i++;
                    break;
                case "--postgres" when i + 1 < args.Length:
                    postgres = args[++i];
                    break;
                case "--logs" when i + 1 < args.Length:
                    logs = Path.GetFullPath(args[++i]);
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'. Options: --demo, --port N, --logs DIR, --postgres CONNECTION");
                    return null;
            }
        }

        return new SampleOptions(port ?? (IsFree(DefaultPort) ? DefaultPort : 0), logs, demo, postgres);
    }

    public static void PrintWelcome(Uri address, string logDirectory, int servers, bool postgres)
    {
        var port = address.Port;
        Console.WriteLine();
        Console.WriteLine($"ContextFlow MultiServer: {servers} servers on {address.ToString().TrimEnd('/')}");
        Console.WriteLine($"  dashboard:  http://127.0.0.1:{port}/_contextflow/");
        Console.WriteLine($"  log files:  {logDirectory}");
        Console.WriteLine($"  rooms kept: {(postgres ? "in PostgreSQL" : "in memory")}");
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
