// A multi-tenant web service in one process: three tenants ("servers") on one Kestrel listener, each chosen by the
// Host header, each with its own rooms and messages, a looping call and a background process, its own log file, and
// its own rate limit. Every log line carries its server and request ("GET-7", "looping_call", "index_messages-0"), and
// each request ends with an access line that says what it used. An admin API and a dashboard under /_contextflow
// list the servers, provision new ones and remove them while the others keep serving.
//
//   dotnet run --project samples/MultiServer                 # serve until Ctrl+C
//   dotnet run --project samples/MultiServer -- --demo       # drive itself, print a summary, exit
//   options: --port N (default 5080, or a free one), --logs DIR (default: logs/ beside the program),
//            --postgres CONNECTION (keep the rooms in PostgreSQL, one DatabasePool per server, instead of in memory)
using System;
using System.IO;
using System.Linq;
using ContextFlow;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MultiServer;
using Serilog;
using Serilog.Events;

var options = SampleOptions.Parse(args);
if (options is null)
{
    return 2;
}

LoggingContext.TrackCpuTime = true;        // the access line then shows each request's own CPU time
Directory.CreateDirectory(options.LogDirectory);

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
builder.Services.AddContextFlow();
builder.Services.AddRateLimiter(limits => limits.UseContextFlowLimiter(limit =>
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
app.MapContextFlowAdmin<TenantConfig>(config => new TenantServer(config, host.Running, options.Postgres));

foreach (var name in SampleOptions.Tenants)
{
    await host.ProvisionAsync(new TenantConfig { ServerName = name }, (config, _) => new TenantServer(config, host.Running, options.Postgres));
}

await app.StartAsync();                    // the servers start once the host has (IHostedLifecycleService.StartedAsync)
var address = new Uri(app.Urls.First());
var exitCode = 0;
if (options.Demo)
{
    exitCode = await Demo.RunAsync(address, host, options.LogDirectory);
}
else
{
    SampleOptions.PrintWelcome(address, options.LogDirectory, host.Servers.Count, options.Postgres is not null);
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
