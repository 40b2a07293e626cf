// Three silos on 127.0.0.1 in this process, each its own Orleans host with its own tenants, and a client that sends a
// request to each tenant. A tenant is a TenantGrain whose Server is the same code it would be in a ServerHost of one
// process; hash-based placement spreads the tenants over the silos. Every request carries an id from the client
// ("POST-1", ...) that each log line of it shows, on whichever silo it runs and in whichever tenant it reaches (each
// tenant notifies another one, often on another silo). Then one silo stops: its tenants' servers shut down, and the
// next round of requests finds them fresh on the remaining silos. Each server's lines also go to a file of its own.
//
//   dotnet run --project samples/Cluster [-- --logs DIR]
using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Cluster;
using ContextFlow;
using ContextFlow.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Serilog;

var logs = args is ["--logs", var dir] ? dir : Path.Combine(Path.GetTempPath(), $"contextflow-cluster-{Environment.ProcessId}");
const string template = "{Timestamp:HH:mm:ss.fff} [{ServerName,-13} {Request,-19} {RequestId,-7}] {Message:lj}{NewLine}";
Log.Logger = new LoggerConfiguration()
    .Enrich.FromLoggingContext()
    .WriteTo.Console(outputTemplate: template)
    .WriteTo.ServerFiles(logs, template)                       // logs/alpha.example.log, ... closed as each tenant deactivates
    .CreateLogger();

var siloPorts = FreePorts(3);
var gatewayPorts = FreePorts(3);
var primary = new IPEndPoint(IPAddress.Loopback, siloPorts[0]);
var silos = new IHost[3];
for (var i = 0; i < silos.Length; i++)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders();                          // Orleans' own logging stays out of the way here
    builder.UseOrleans(silo => silo
        .UseLocalhostClustering(siloPorts[i], gatewayPorts[i], primary)
        .Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = $"silo-{i + 1}")
        .AddContextFlow());
    builder.Services.AddSingleton<ContextFlow.Hosting.IServerConfigProvider<ChatConfig>, ChatDirectory>();
    silos[i] = builder.Build();
    await silos[i].StartAsync();
}

var clientBuilder = Host.CreateApplicationBuilder();
clientBuilder.Logging.ClearProviders();
clientBuilder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPorts).AddContextFlow());
using var clientHost = clientBuilder.Build();
await clientHost.StartAsync();
var grains = clientHost.Services.GetRequiredService<IClusterClient>();

string[] tenants = ["alpha.example", "beta.example", "gamma.example", "delta.example", "epsilon.example", "zeta.example"];
await PostToEveryTenantAsync(1);

Log.Information("Stopping silo-3: its tenants shut down and come back on the other silos");
await silos[2].StopAsync();
await PostToEveryTenantAsync(tenants.Length + 1);

await clientHost.StopAsync();
foreach (var silo in silos.Take(2).Reverse())
{
    await silo.StopAsync();
}

foreach (var silo in silos)
{
    silo.Dispose();
}

Log.Information("Each server's log is in {Directory}: {Files}", logs, string.Join(", ", Directory.GetFiles(logs).Select(Path.GetFileName).Order()));
await Log.CloseAndFlushAsync();
return 0;

// One request per tenant, all at once, each in a request context of the client's with an id of its own.
async Task PostToEveryTenantAsync(int firstId)
{
    var replies = await Task.WhenAll(tenants.Select(async (tenant, i) =>
    {
        var id = $"POST-{firstId + i}";
        using (new LoggingContext(id, "client", request: new RequestInfo(id, "POST", $"/rooms/lobby", Requester: "@ann:client")).Enter())
        {
            return await grains.GetGrain<IChatTenant>(tenant).PostAsync("lobby", $"hello from {id}", notify: tenants[(i + 1) % tenants.Length]);
        }
    }));
    foreach (var reply in replies)
    {
        Log.Information("Reply: {Reply}", reply);
    }
}

static int[] FreePorts(int count)
{
    var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
    foreach (var listener in listeners)
    {
        listener.Start();
    }

    var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
    foreach (var listener in listeners)
    {
        listener.Stop();
    }

    return ports;
}
