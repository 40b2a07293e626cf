using System;
using ContextFlow;
using ContextFlow.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;

// In Orleans' own namespace for builder extensions, beside UseLocalhostClustering() and AddIncomingGrainCallFilter(),
// so that configuring a silo needs no extra using.
namespace Orleans.Hosting;

/// <summary>Adds ContextFlow's tenants and call contexts to an Orleans silo.</summary>
public static class ContextFlowSiloBuilderExtensions
{
    /// <summary>
    /// Lets the silo host <see cref="TenantGrain{TConfig, TServer}"/>s and carries ContextFlow's request context
    /// across its calls:
    /// <list type="bullet">
    /// <item>a <see cref="ContextFlow.Hosting.ServerHost"/> for the silo's tenant servers, with a running signal of the silo's own,
    /// marked when the silo reaches its <c>Active</c> stage and shut down after the silo has deactivated its grains;</item>
    /// <item>each call to a tenant grain runs in a <see cref="LoggingContext"/> <c>"{Interface}.{Method}"</c> of the
    /// tenant's server, with the caller's request id and requester (the tenant grain is its own incoming call filter,
    /// so calls to other grains take no filter path);</item>
    /// <item>the request a call arrives with goes on with the calls made while serving it (Orleans'
    /// <see cref="RequestContext"/>); see <see cref="ContextFlowSiloOptions.SendRequestsFromSiloCode"/> for calls the
    /// silo's own code makes from requests of its own;</item>
    /// <item>hash-based placement for tenant grain classes that name no placement of their own.</item>
    /// </list>
    /// Call it once per silo; calling it again adds nothing. Register an <see cref="ContextFlow.Hosting.IServerConfigProvider{TConfig}"/>
    /// for each tenant configuration type as well.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// builder.UseOrleans(silo => silo
    ///     .UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; })
    ///     .AddContextFlow());
    /// builder.Services.AddSingleton&lt;IServerConfigProvider&lt;ChatConfig&gt;, TenantDirectory&gt;();
    /// </code>
    /// </example>
    public static ISiloBuilder AddContextFlow(this ISiloBuilder builder) => builder.AddContextFlow(static _ => { });

    /// <summary>
    /// As <see cref="AddContextFlow(ISiloBuilder)"/>, with the options set by <paramref name="configure"/>, which runs
    /// once, now. Calling it again adds only what the options of the later call turn on.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// // A web front end in the silo's own process: its requests go with the calls it makes.
    /// builder.UseOrleans(silo => silo.UseLocalhostClustering().AddContextFlow(o => o.SendRequestsFromSiloCode = true));
    /// </code>
    /// </example>
    public static ISiloBuilder AddContextFlow(this ISiloBuilder builder, Action<ContextFlowSiloOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ContextFlowSiloOptions();
        configure(options);
        var services = builder.Services;
        if (!Has(services, typeof(TenantSilo)))
        {
            services.AddSingleton<TenantSilo>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<TenantSilo>());
            services.AddSingleton<IGrainPropertiesProvider, TenantPlacement>();
            ExceptionTransport.AddTo(services);
        }

        if (options.SendRequestsFromSiloCode && !Has(services, typeof(RequestContextFilter)))
        {
            builder.AddOutgoingGrainCallFilter<RequestContextFilter>();
        }

        return builder;
    }

    private static bool Has(IServiceCollection services, Type type)
    {
        foreach (var service in services)
        {
            if (service.ServiceType == type || service.ImplementationType == type)
            {
                return true;
            }
        }

        return false;
    }
}
