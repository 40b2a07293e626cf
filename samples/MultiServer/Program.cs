// A multi-tenant web service in one process: the tenants ("servers") of appsettings.json on one Kestrel listener, each
// chosen by the Host header, each with its own rooms and messages, a looping call and a background process, its own
// log file, and its own rate limit. Edit appsettings.json while it runs: a server added there is provisioned, one
// removed is deprovisioned, one changed restarts with its new settings, the others serving on. Every log line carries
// its server and request ("GET-7", "looping_call", "index_messages-0"), and each request ends with an access line that
// says what it used. An admin API and a dashboard under /_contextflow list the servers, provision more and remove them.
//
//   dotnet run --project samples/MultiServer                 # serve until Ctrl+C
//   dotnet run --project samples/MultiServer -- --demo       # drive itself, print a summary, exit
//   options (the section Sample of the configuration; on the command line): --port N (default 5080, or a free one),
//            --logs DIR (default: logs/ beside the program), --postgres CONNECTION (keep the rooms in PostgreSQL, one
//            DatabasePool per server, instead of in memory)
using System;
using System.IO;
using System.Linq;
using ContextFlow;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MultiServer;
using Serilog;
using Serilog.Events;

LoggingContext.TrackCpuTime = true;        // the access line then shows each request's own CPU time
var builder = WebApplication.CreateSlimBuilder(args);
builder.Configuration.AddCommandLine(SampleOptions.CommandLine(args), SampleOptions.Switches);
var options = builder.Configuration.GetSection("Sample").Get<SampleOptions>() ?? new SampleOptions();
Directory.CreateDirectory(options.LogDirectory);
builder.WebHost.UseUrls($"http://127.0.0.1:{options.PortOrFree}");
builder.Services.AddServersFromConfiguration<TenantConfig, TenantServer>(
    builder.Configuration.GetSection("ContextFlow:Servers"),
    (config, running) => new TenantServer(config, running, options.Postgres));
builder.Services.AddRateLimiter(limits => limits.UseContextFlowAsGlobalLimiter(limit =>
{
    limit.RateHz = 5;                       // per client and server: 5 requests a second sustained,
    limit.BurstCount = 20;                  // 20 at once
}));
builder.Services.AddSerilog((services, logging) => logging
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
    .Enrich.FromLoggingContext()
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{ServerName,-16} {Request,-18}] {Message:lj}{NewLine}{Exception}",
        formatProvider: System.Globalization.CultureInfo.InvariantCulture)
    .WriteTo.ServerFiles(options.LogDirectory));

var app = builder.Build();
app.UseContextFlow();
app.UseRateLimiter();
app.MapTenantApi();
var host = app.Services.GetRequiredService<ServerHost>();
app.MapContextFlowAdmin<TenantConfig>(NewServer);  // loopback clients only; .RequireAuthorization(policy) opens it

await app.StartAsync();                    // the servers start once the host has (IHostedLifecycleService.StartedAsync)
var address = new Uri(app.Urls.First());
var exitCode = 0;
if (options.Demo)
{
    exitCode = await Demo.RunAsync(address, host, options.LogDirectory);
}
else
{
    SampleOptions.PrintWelcome(address, options.LogDirectory, host.Servers.Select(s => s.ServerName), options.Postgres is not null);
    await app.WaitForShutdownAsync();      // Ctrl+C
}

await app.StopAsync();
var left = host.Servers.Count;
await app.DisposeAsync();
await Log.CloseAndFlushAsync();
Console.WriteLine(left == 0
    ? "Stopped: every server shut down cleanly."
    : $"Stopped, but {left} servers were still shutting down.");
return left == 0 ? exitCode : 1;

TenantServer NewServer(TenantConfig config, RunningSignal running) => new(config, running, options.Postgres);
