using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>
/// A real web application on Kestrel at 127.0.0.1 on a free port, with ContextFlow added, logging through Serilog's
/// static logger, and its own running signal; plus an HttpClient that names a tenant through the Host header.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, RunningSignal running)
    {
        App = app;
        Running = running;
        Host = app.Services.GetRequiredService<ServerHost>();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public WebApplication App { get; }

    public ServerHost Host { get; }

    public RunningSignal Running { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Builds the application, lets <paramref name="provision"/> add servers before the host starts, and starts it.
    /// </summary>
    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Func<ServerHost, RunningSignal, Task>? provision = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<ContextFlowOptions>? options = null)
    {
        var running = new RunningSignal();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog();
        builder.Services.AddContextFlow(o =>
        {
            o.Running = running;
            options?.Invoke(o);
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        if (provision is not null)
        {
            await provision(app.Services.GetRequiredService<ServerHost>(), running);
        }

        await app.StartAsync();
        return new TestApp(app, running);
    }

    /// <summary>Provisions a test tenant with this application's running signal.</summary>
    public Task<WebTestServer> ProvisionAsync(string name, TimeSpan? loop = null, bool background = false) =>
        Host.ProvisionAsync(new WebTestConfig { ServerName = name, LoopEvery = loop, Background = background }, (c, _) => new WebTestServer(c, Running));

    /// <summary>A request to one tenant.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string tenant, string path, HttpContent? content = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Host = tenant;
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public Task<HttpResponseMessage> GetAsync(string tenant, string path, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Client.SendAsync(Request(HttpMethod.Get, tenant, path, headers: headers));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
