// The app of the on-demand benchmark (benchmarks/aspnetcore/ondemand.sh): the endpoints of OnContextFlow, with its
// servers t0.localhost … t{N-1}.localhost read from configuration. Eager (all provisioned at start, as a handful of
// servers would be) or activated on their first request and released after IDLE seconds without one.
// Usage: OnDemand PORT LOGFILE SERVERS eager|ondemand [IDLE]
using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var servers = int.Parse(args[2], CultureInfo.InvariantCulture);
var onDemand = args[3] == "ondemand";
var idle = TimeSpan.FromSeconds(args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 10);

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.ClearProviders();
builder.Configuration.AddInMemoryCollection(Enumerable.Range(0, servers).Select(i =>
    new System.Collections.Generic.KeyValuePair<string, string?>($"ContextFlow:Servers:t{i}.localhost:Enabled", "true")));
builder.Services.AddServersFromConfiguration<BenchConfig, BenchServer>(
    builder.Configuration.GetSection("ContextFlow:Servers"),
    (config, running) => new BenchServer(config, running),
    options =>
    {
        options.ActivateOnFirstUse = onDemand;
        options.IdleTimeout = idle;
    });
builder.Services.AddSerilog(logging => Bench.ToFile(logging.Enrich.FromLoggingContext(), args[1]));

var app = builder.Build();

// Outside every server's URL space: what the script samples between rounds.
app.Map("/_stats", stats => stats.Run(http =>
{
    var host = http.RequestServices.GetRequiredService<ServerHost>();
    GC.Collect();
    var heap = GC.GetTotalMemory(forceFullCollection: true);
    var rss = Process.GetCurrentProcess().WorkingSet64;
    return http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{host.Servers.Count} {heap} {rss}\n"));
}));
app.UseContextFlow();
app.MapGet("/rooms/{room}", (string room, HttpContext http, ILogger<Bench> logger) =>
{
    logger.LogInformation("Fetched room {RoomId}", room);
    return new Bench.RoomView(room, LoggingContextServer(), 3);
});
app.MapContextFlowAdmin("/_contextflow");

await app.RunAsync();

static string LoggingContextServer() => ContextFlow.LoggingContext.Current.ServerName;

/// <summary>A tenant's configuration: nothing beyond its name.</summary>
public sealed class BenchConfig : ServerConfig;

/// <summary>A tenant: nothing beyond the server lifecycle.</summary>
public sealed class BenchServer(BenchConfig config, ContextFlow.Time.RunningSignal running) : Server(config, running: running);
