// Three tenants ("servers") share one process through a ServerHost. Each is a Server with its own Clock and
// background processes: a looping call reports the server's load, a background process persists events, and a few
// requests are handled concurrently. A fourth server is provisioned into the running process and another is
// deprovisioned while the rest keep serving. Every log line, whichever thread writes it, is attributed to the right
// server and context ("GET-11", "looping_call", "persist_events-0", "shutdown", ...), and each request's database
// usage rolls up into its server's totals.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow;
using ContextFlow.Hosting;
using Serilog;

Log.Logger = new LoggerConfiguration()
    .Enrich.FromLoggingContext()
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{ServerName,-13} {Request,-18}] {Message:lj}{NewLine}")
    .CreateLogger();

await using var host = new ServerHost();
host.ServerShutDown += (_, e) =>
{
    var usage = e.Server.Totals.GetResourceUsage();
    Log.Information("{Server}: {Txns} transactions, {Rows} rows, {Time:0} ms in the database",
        e.Server.ServerName, usage.DbTxnCount, usage.RowsFetched, usage.DbTxnDuration.TotalMilliseconds);
};

string[] names = ["alpha.example", "beta.example", "gamma.example"];
foreach (var name in names)
{
    await host.ProvisionAsync(new TenantConfig { ServerName = name }, config => new TenantServer(config));
}

Log.Information("Starting {Count} servers in one process", host.Servers.Count);
await host.StartAsync();                                   // the process is running: every server starts now

await Task.WhenAll(host.Servers.SelectMany((server, s) => Enumerable.Range(1, 3).Select(n =>
    TenantServer.HandleRequestAsync(server, new RequestInfo($"GET-{(s * 10) + n}", "GET", $"/rooms/{n}", "127.0.0.1")))));

// Tenants come and go while the others keep serving.
var delta = await host.ProvisionAsync(new TenantConfig { ServerName = "delta.example" }, config => new TenantServer(config));
await host.DeprovisionAsync("beta.example");
await TenantServer.HandleRequestAsync(delta, new RequestInfo("GET-41", "GET", "/rooms/1", "127.0.0.1"));

await host.ShutdownAsync();                                // every server: handlers, timers, processes
await Log.CloseAndFlushAsync();

internal sealed class TenantConfig : ServerConfig
{
    public TimeSpan LoadReportInterval { get; init; } = TimeSpan.FromMilliseconds(40);
}

internal sealed class TenantServer(TenantConfig config) : Server(config)
{
    public static async Task HandleRequestAsync(Server server, RequestInfo request)
    {
        using var scope = new LoggingContext(request.RequestId, server.ServerName, server.Totals, request).Enter();
        Log.Information("Handling {Method} {Url}", request.Method, request.Url);

        for (var step = 1; step <= 2; step++)
        {
            await server.Clock.SleepAsync(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 30)));   // may resume on any thread
            using (LoggingContext.Current.CreateNested($"db{step}").Enter())
            {
                LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5)));
                LoggingContext.Current.RecordRowsFetched(10 * step);
                Log.Information("Query {Step} done", step);
            }
        }

        // Runs later in its own "call_later" context, not in this request's.
        server.Clock.CallLater(TimeSpan.FromMilliseconds(10), () => Log.Information("Follow-up for {RequestId}", request.RequestId));
        Log.Information("Done");
    }

    protected override Task OnSetupAsync(CancellationToken cancellationToken)
    {
        Log.Information("Opening storage");
        return Task.CompletedTask;
    }

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        Clock.LoopingCall(config.LoadReportInterval, () => Log.Information("Load report"));
        BackgroundProcesses.RunAsBackgroundProcess("persist_events", PersistEventsAsync);
        RegisterShutdownHandler(() => Log.Information("Closing the listener"));
        return Task.CompletedTask;
    }

    private async Task PersistEventsAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Clock.SleepAsync(TimeSpan.FromMilliseconds(50), cancellationToken);
            Log.Information("Persisted a batch of events");
        }
    }
}
