using System;
using ContextFlow.AspNetCore;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps ContextFlow's admin API and dashboard.</summary>
public static class ContextFlowEndpointRouteBuilderExtensions
{
    private const string DefaultPattern = "/_contextflow";

    /// <summary>
    /// Maps the admin API and the dashboard under <paramref name="pattern"/> (<c>/_contextflow</c> by default), on the
    /// application's own listener: <c>GET {pattern}/servers</c> lists the servers with their usage (requests, CPU,
    /// database time, background processes in flight) and recent rates, <c>GET {pattern}/servers/{name}</c> shows one,
    /// <c>DELETE {pattern}/servers/{name}</c> deprovisions one, and <c>GET {pattern}/</c> is the dashboard.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Secure by default, as a surface that can remove servers must be. The admin endpoints are not in any server's URL
    /// space: a request that names a server (its host, its path prefix, its header) never reaches them and gets 404, so
    /// the API answers on a host or path that no server has, e.g. <c>http://127.0.0.1:5080/_contextflow/</c>. And until
    /// the application says who may use them, they answer loopback clients only (403 for the others): require a policy on
    /// the returned group, <c>.RequireAuthorization("admin")</c>, to open them to the clients it admits, or
    /// <c>.AllowAnonymous()</c> to open them to everyone. <c>.RequireHost("admin.example")</c> narrows them to one host.
    /// </para>
    /// <para>Their requests are not routed to a server and not rate limited by ContextFlow's limiter.</para>
    /// </remarks>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">Where the admin API lives: a literal path, e.g. <c>"/admin/servers-api"</c>.</param>
    /// <returns>The group of admin endpoints, for conventions such as authorization.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> has a route parameter.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddContextFlow()</c> was not called.</exception>
    /// <example>
    /// <code>
    /// app.MapContextFlowAdmin();                                            // loopback clients only
    /// app.MapContextFlowAdmin("/ops/contextflow").RequireAuthorization("admin");  // clients the policy admits
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapContextFlowAdmin(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var registry = endpoints.ServiceProvider.GetService<TenantRegistry>()
            ?? throw new InvalidOperationException("Call services.AddContextFlow() before mapping the ContextFlow admin API.");
        var route = RoutePatternFactory.Parse(pattern);
        if (route.Parameters.Count > 0)
        {
            throw new ArgumentException($"The admin API's pattern must be a literal path; '{pattern}' has parameters.", nameof(pattern));
        }

        registry.AddAdminPath(new PathString("/" + pattern.Trim('/')));
        var group = endpoints.MapGroup(route);
        group.WithMetadata(AdminGuard.Metadata.Instance);
        group.AddEndpointFilter(AdminGuard.InvokeAsync);
        group.MapGet("/servers", (int? offset, int? limit, string? sort, bool? history) => AdminEndpoints.List(registry, offset, limit, sort, history));
        group.MapGet("/servers/{name}", (string name) => AdminEndpoints.Get(name, registry));
        group.MapDelete("/servers/{name}", (string name) => AdminEndpoints.DeprovisionAsync(name, registry));
        DashboardAssets.Map(group);
        return group;
    }

    /// <summary>
    /// Maps the admin API and dashboard as <see cref="MapContextFlowAdmin(IEndpointRouteBuilder, string)"/> does, and
    /// <c>POST {pattern}/servers</c>, which provisions a server from a JSON <typeparamref name="TConfig"/>: 201 with the
    /// new server, 400 naming the setting for a malformed or invalid configuration (<see cref="ServerConfig.Validate"/>),
    /// 409 for a name already hosted (ignoring case), 500 when setup or start failed. Nothing is left half-provisioned.
    /// </summary>
    /// <typeparam name="TConfig">The servers' configuration type; unknown JSON members are refused.</typeparam>
    /// <param name="endpoints">The application.</param>
    /// <param name="factory">Builds a server from a validated configuration and the host's running signal, as
    /// <see cref="ServerHost.ProvisionAsync{TConfig, TServer}"/> takes it.</param>
    /// <param name="pattern">Where the admin API lives: a literal path.</param>
    /// <returns>The group of admin endpoints.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> has a route parameter.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddContextFlow()</c> was not called.</exception>
    /// <example>
    /// <code>
    /// app.MapContextFlowAdmin&lt;TenantConfig&gt;((config, running) => new TenantServer(config, running));
    /// // curl -X POST -H 'Content-Type: application/json' -d '{"serverName":"delta.localhost"}' http://127.0.0.1:5080/_contextflow/servers
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapContextFlowAdmin<TConfig>(
        this IEndpointRouteBuilder endpoints, Func<TConfig, RunningSignal, ContextFlow.Hosting.Server> factory, string pattern = DefaultPattern)
        where TConfig : ServerConfig
    {
        ArgumentNullException.ThrowIfNull(factory);
        var group = MapContextFlowAdmin(endpoints, pattern);
        var registry = endpoints.ServiceProvider.GetRequiredService<TenantRegistry>();
        group.MapPost("/servers", (HttpRequest request) => AdminEndpoints.ProvisionAsync(request.HttpContext, registry, factory));
        return group;
    }

    /// <summary>
    /// Maps the admin API and dashboard as <see cref="MapContextFlowAdmin{TConfig}(IEndpointRouteBuilder, Func{TConfig, RunningSignal, ContextFlow.Hosting.Server}, string)"/>
    /// does, building each provisioned <typeparamref name="TServer"/> from the application's services: a public
    /// constructor that takes the configuration and the host's running signal gets them, and whatever else it asks for
    /// from the container (<see cref="ActivatorUtilities.CreateInstance{T}(IServiceProvider, object[])"/>).
    /// </summary>
    /// <typeparam name="TConfig">The servers' configuration type; unknown JSON members are refused.</typeparam>
    /// <typeparam name="TServer">The servers' type, built with its dependencies from the container.</typeparam>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">Where the admin API lives: a literal path.</param>
    /// <returns>The group of admin endpoints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> has a route parameter.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddContextFlow()</c> was not called.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddSingleton&lt;IRoomStoreFactory, PostgresRoomStoreFactory&gt;();
    /// app.MapContextFlowAdmin&lt;TenantConfig, TenantServer&gt;();   // TenantServer(TenantConfig, RunningSignal, IRoomStoreFactory)
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapContextFlowAdmin<TConfig, TServer>(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern)
        where TConfig : ServerConfig
        where TServer : ContextFlow.Hosting.Server
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        return MapContextFlowAdmin<TConfig>(endpoints, (config, running) => ActivatorUtilities.CreateInstance<TServer>(services, config, running), pattern);
    }
}
