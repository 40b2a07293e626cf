// Three tenants ("servers") share one process. Each has its own Clock and background processes: a looping call
// reports the server's load, a background process persists events, and a few requests are handled concurrently.
// Every log line, whichever thread writes it, is attributed to the right server and context ("GET-11",
// "looping_call", "persist_events-0", ...), and each request's database usage rolls up into its server's totals.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow;
using ContextFlow.Background;
using ContextFlow.Serilog;
using ContextFlow.Time;
using Serilog;

Log.Logger = new LoggerConfiguration()
    .Enrich.FromLoggingContext()
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{ServerName,-13} {Request,-18}] {Message:lj}{NewLine}")
    .CreateLogger();

var servers = new[] { "alpha.example", "beta.example", "gamma.example" }.Select(CreateServer).ToArray();
Log.Information("Starting {Count} servers in one process", servers.Length);

foreach (var server in servers)
{
    server.Clock.CallWhenRunning(() =>
    {
        Log.Information("Server is running");
        server.Clock.LoopingCall(TimeSpan.FromMilliseconds(40), () => Log.Information("Load report"));
    });
}

var persisting = servers.Select(server =>
    server.Background.RunAsBackgroundProcess("persist_events", ct => PersistEventsAsync(server, ct))).ToArray();

RunningSignal.Process.MarkRunning();

await Task.WhenAll(servers.SelectMany((server, s) => Enumerable.Range(1, 3).Select(n =>
    HandleRequestAsync(server, new RequestInfo($"GET-{(s * 10) + n}", "GET", $"/rooms/{n}", "127.0.0.1")))));

foreach (var server in servers)
{
    server.Clock.Shutdown();
    await server.Background.ShutdownAsync(TimeSpan.FromSeconds(1));   // cancels persist_events and waits for it
    var usage = server.Totals.GetResourceUsage();
    Log.Information("{Server}: {Txns} transactions, {Rows} rows, {Time} ms in the database",
        server.Name, usage.DbTxnCount, usage.RowsFetched, usage.DbTxnDuration.TotalMilliseconds);
}

await Task.WhenAll(persisting);
await Log.CloseAndFlushAsync();

static async Task HandleRequestAsync(Server server, RequestInfo request)
{
    using var scope = new LoggingContext(request.RequestId, server.Name, server.Totals, request).Enter();
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

static async Task PersistEventsAsync(Server server, CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        await server.Clock.SleepAsync(TimeSpan.FromMilliseconds(50), cancellationToken);
        Log.Information("Persisted a batch of events");
    }
}

[ContextBoundary("The sample's stand-in for a server: it owns one clock per server")]
static Server CreateServer(string name)
{
    var clock = new Clock(TimeProvider.System, name);
    return new Server(name, clock, new BackgroundProcesses(name, clock), new LoggingContext("totals", name));
}

internal sealed record Server(string Name, Clock Clock, BackgroundProcesses Background, LoggingContext Totals);
