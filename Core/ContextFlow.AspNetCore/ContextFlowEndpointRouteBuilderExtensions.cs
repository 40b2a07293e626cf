using System;
using ContextFlow.AspNetCore;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps ContextFlow's admin API and dashboard.</summary>
public static class ContextFlowEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the admin API and the dashboard under <c>/_contextflow</c>, on the application's own listener:
    /// <c>GET /_contextflow/servers</c> lists the servers with their usage (requests, CPU, database time, background
    /// processes in flight) and recent rates, <c>GET /_contextflow/servers/{name}</c> shows one,
    /// <c>DELETE /_contextflow/servers/{name}</c> deprovisions one, and <c>GET /_contextflow/</c> is the dashboard.
    /// </summary>
    /// <remarks>
    /// The admin API can remove tenants: protect it as any admin surface, e.g. <c>.RequireAuthorization("admin")</c> or
    /// <c>.RequireHost("localhost")</c> on the returned group. Its requests are not routed to a server.
    /// </remarks>
    /// <param name="endpoints">The application.</param>
    /// <returns>The group of admin endpoints, for conventions such as authorization.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static RouteGroupBuilder MapContextFlowAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var registry = endpoints.ServiceProvider.GetService<TenantRegistry>()
            ?? throw new InvalidOperationException("Call services.AddContextFlow() before mapping the ContextFlow admin API.");
        var group = endpoints.MapGroup(ContextFlowOptions.AdminPathPrefix);
        group.MapGet("/servers", () => AdminEndpoints.List(registry));
        group.MapGet("/servers/{name}", (string name) => AdminEndpoints.Get(name, registry));
        group.MapDelete("/servers/{name}", (string name) => AdminEndpoints.DeprovisionAsync(name, registry));
        DashboardAssets.Map(group);
        return group;
    }

    /// <summary>
    /// Maps the admin API and dashboard as <see cref="MapContextFlowAdmin(IEndpointRouteBuilder)"/> does, and
    /// <c>POST /_contextflow/servers</c>, which provisions a server from a JSON <typeparamref name="TConfig"/>: 201 with the
    /// new server, 400 naming the setting for a malformed or invalid configuration (<see cref="ServerConfig.Validate"/>),
    /// 409 for a name already hosted, 500 when setup or start failed. Nothing is left half-provisioned.
    /// </summary>
    /// <typeparam name="TConfig">The servers' configuration type; unknown JSON members are refused.</typeparam>
    /// <param name="endpoints">The application.</param>
    /// <param name="factory">Builds a server from a validated configuration, with the host's running signal.</param>
    /// <returns>The group of admin endpoints.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// app.MapContextFlowAdmin&lt;TenantConfig&gt;(config => new TenantServer(config));
    /// // curl -X POST -H 'Content-Type: application/json' -d '{"serverName":"delta.localhost"}' http://127.0.0.1:5080/_contextflow/servers
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapContextFlowAdmin<TConfig>(this IEndpointRouteBuilder endpoints, Func<TConfig, ContextFlow.Hosting.Server> factory)
        where TConfig : ServerConfig
    {
        ArgumentNullException.ThrowIfNull(factory);
        var group = MapContextFlowAdmin(endpoints);
        var registry = endpoints.ServiceProvider.GetRequiredService<TenantRegistry>();
        group.MapPost("/servers", (HttpRequest request) => AdminEndpoints.ProvisionAsync(request.HttpContext, registry, factory));
        return group;
    }
}
