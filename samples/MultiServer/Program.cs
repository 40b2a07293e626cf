// Three tenants ("servers") share one process. Each handles a few requests concurrently; every log line,
// whichever thread writes it, is attributed to the right server and request, and each request's database
// usage rolls up into its server's totals.
using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow;
using ContextFlow.Serilog;
using ContextFlow.Time;
using Serilog;

Log.Logger = new LoggerConfiguration()
    .Enrich.FromLoggingContext()
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{ServerName,-12} {Request,-22}] {Message:lj}{NewLine}")
    .CreateLogger();

var servers = new[] { "alpha.example", "beta.example", "gamma.example" };
var totals = servers.ToDictionary(s => s, s => new LoggingContext("totals", s));
var clocks = servers.ToDictionary(s => s, ClockFor);

Log.Information("Starting {Count} servers in one process", servers.Length);

await Task.WhenAll(servers.SelectMany((server, s) => Enumerable.Range(1, 3).Select(n =>
    HandleRequestAsync(totals[server], clocks[server], new RequestInfo($"GET-{(s * 10) + n}", "GET", $"/rooms/{n}", "127.0.0.1")))));

foreach (var (server, context) in totals)
{
    var usage = context.GetResourceUsage();
    Log.Information("{Server}: {Txns} transactions, {Rows} rows, {Time} ms in the database",
        server, usage.DbTxnCount, usage.RowsFetched, usage.DbTxnDuration.TotalMilliseconds);
}

foreach (var clock in clocks.Values)
{
    clock.Shutdown();
}

await Log.CloseAndFlushAsync();

// Each server owns exactly one clock; the analyzers (CTX2004) accept that only where it is stated.
[ContextBoundary("The sample hosts its servers by hand, so it creates the one clock of each server here")]
static Clock ClockFor(string server) => new(TimeProvider.System, server);

static async Task HandleRequestAsync(LoggingContext server, Clock clock, RequestInfo request)
{
    using var scope = new LoggingContext(request.RequestId, server.ServerName, server, request).Enter();
    Log.Information("Handling {Method} {Url}", request.Method, request.Url);

    for (var step = 1; step <= 2; step++)
    {
        await clock.SleepAsync(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 30)));   // resumes on any thread
        using (LoggingContext.Current.CreateNested($"db{step}").Enter())
        {
            LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5)));
            LoggingContext.Current.RecordRowsFetched(10 * step);
            Log.Information("Query {Step} done", step);
        }
    }

    Log.Information("Done");
}
