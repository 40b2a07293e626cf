using System;
using ContextFlow.AspNetCore;
using ContextFlow.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ContextFlow's multi-tenant web service in an application's services.</summary>
public static class ContextFlowServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process's <see cref="ServerHost"/> (a singleton) as a hosted service of the Generic Host: the
    /// process is marked running when the host has started (<c>IHostedLifecycleService.StartedAsync</c>), which starts
    /// every server provisioned so far and runs every waiting <c>Clock.CallWhenRunning</c> callback; stopping the host
    /// shuts every server down within <c>HostOptions.ShutdownTimeout</c>. Also registers problem details
    /// (<c>AddProblemDetails</c>), which the error answers use. Calling it again only adds configuration.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the tenant resolver and the other <see cref="ContextFlowOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// var builder = WebApplication.CreateBuilder(args);
    /// builder.Services.AddSerilog(lc => lc.Enrich.FromLoggingContext().WriteTo.Console());
    /// builder.Services.AddContextFlow();
    /// var app = builder.Build();
    /// app.UseContextFlow();
    /// app.MapGet("/", (HttpContext http) => $"Hello from {http.GetServer().ServerName}");
    /// var host = app.Services.GetRequiredService&lt;ServerHost&gt;();
    /// await host.ProvisionAsync(new TenantConfig { ServerName = "alpha.localhost" }, (c, _) => new TenantServer(c));
    /// await app.RunAsync();     // alpha starts once the host has started
    /// </code>
    /// </example>
    public static IServiceCollection AddContextFlow(this IServiceCollection services, Action<ContextFlowOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ContextFlowOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddProblemDetails();
        services.TryAddSingleton<TenantRegistry>();
        services.TryAddSingleton(static provider => provider.GetRequiredService<TenantRegistry>().Host);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, ContextFlowHostedService>());
        return services;
    }
}
