// (b) of the end-to-end benchmark (benchmarks/aspnetcore/run.sh): the same service as HandWritten, on
// ContextFlow.AspNetCore. Ten servers t0.localhost … t9.localhost in a ServerHost, routed by Host; each request runs
// in its own "GET-{n}" context, passes the per-server rate limiter (a limit never reached) and ends with the access
// line: two log events per request, as in (a), into the same file sink. Usage: OnContextFlow PORT LOGFILE [--track-cpu]
using System.Linq;
using ContextFlow;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;

LoggingContext.TrackCpuTime = args.Contains("--track-cpu");

var builder = Bench.Builder(args, static enrich => enrich.FromLoggingContext());
builder.Services.AddContextFlow();
builder.Services.AddRateLimiter(limits => limits.UseContextFlowAsGlobalLimiter(limit =>
{
    limit.RateHz = 1_000_000;
    limit.BurstCount = 1_000_000;
}));

var app = builder.Build();
app.UseContextFlow();
app.UseRateLimiter();
app.MapGet("/rooms/{room}", (string room, HttpContext http, ILogger<Bench> logger) =>
{
    logger.LogInformation("Fetched room {RoomId}", room);
    return new Bench.RoomView(room, http.GetContextFlowServer().ServerName, 3);
});

var host = app.Services.GetRequiredService<ServerHost>();
foreach (var i in Enumerable.Range(0, 10))
{
    await host.ProvisionAsync(new BenchConfig { ServerName = $"t{i}.localhost" }, (config, _) => new BenchServer(config, host.Running));
}

await app.RunAsync();

/// <summary>A tenant's configuration: nothing beyond its name.</summary>
public sealed class BenchConfig : ServerConfig;

/// <summary>A tenant: nothing beyond the server lifecycle.</summary>
public sealed class BenchServer(BenchConfig config, ContextFlow.Time.RunningSignal running) : Server(config, running: running);
