using System;
using ContextFlow.AspNetCore;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers servers read from configuration.</summary>
public static class ConfiguredServersServiceCollectionExtensions
{
    /// <summary>
    /// Hosts the servers of a configuration section, one child section per server, its key the server's name (see
    /// <see cref="ConfigurationServerDirectory{TConfig}"/>), and follows the section's changes while the process runs:
    /// a section added is provisioned, one removed deprovisioned, one changed restarted with its new settings while the
    /// others keep serving, one disabled (<c>"Enabled": false</c>) deprovisioned. An invalid server never starts and an
    /// invalid change keeps the previous instance serving; both are logged naming the configuration path of every
    /// setting involved. With <see cref="ServerDirectoryOptions.ActivateOnFirstUse"/> servers are provisioned on their
    /// first request instead, and released after <see cref="ServerDirectoryOptions.IdleTimeout"/> without one. Also calls
    /// <c>AddContextFlow()</c>. Call it once per application.
    /// </summary>
    /// <typeparam name="TConfig">The servers' configuration type.</typeparam>
    /// <typeparam name="TServer">The servers' type.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="section">The section whose children are the servers, e.g. <c>builder.Configuration.GetSection("ContextFlow:Servers")</c>.</param>
    /// <param name="factory">Builds a server from its configuration and the host's running signal.</param>
    /// <param name="configure">Activation on first use, idle release and retry delays; off, as the defaults have it, when <see langword="null"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="section"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// builder.Services.AddServersFromConfiguration&lt;ChatConfig, ChatServer&gt;(
    ///     builder.Configuration.GetSection("ContextFlow:Servers"),
    ///     (config, running) => new ChatServer(config, running),
    ///     options => options.ActivateOnFirstUse = true);
    /// </code>
    /// </example>
    public static IServiceCollection AddServersFromConfiguration<TConfig, TServer>(
        this IServiceCollection services, IConfiguration section, Func<TConfig, RunningSignal, TServer> factory, Action<ServerDirectoryOptions>? configure = null)
        where TConfig : ServerConfig
        where TServer : Server
    {
        ArgumentNullException.ThrowIfNull(factory);
        return services.AddServersFromConfiguration<TConfig, TServer>(section, _ => factory, configure);
    }

    /// <summary>
    /// Hosts the servers of a configuration section as
    /// <see cref="AddServersFromConfiguration{TConfig, TServer}(IServiceCollection, IConfiguration, Func{TConfig, RunningSignal, TServer}, Action{ServerDirectoryOptions}?)"/>
    /// does, each server built by the container: its constructor receives the configuration, the running signal and
    /// any other service it asks for.
    /// </summary>
    /// <typeparam name="TConfig">The servers' configuration type.</typeparam>
    /// <typeparam name="TServer">The servers' type; a public constructor taking a <typeparamref name="TConfig"/> and a
    /// <see cref="RunningSignal"/>, and services.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="section">The section whose children are the servers.</param>
    /// <param name="configure">Activation on first use, idle release and retry delays.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddServersFromConfiguration<TConfig, TServer>(
        this IServiceCollection services, IConfiguration section, Action<ServerDirectoryOptions>? configure = null)
        where TConfig : ServerConfig
        where TServer : Server =>
        services.AddServersFromConfiguration<TConfig, TServer>(
            section,
            provider => (config, running) => ActivatorUtilities.CreateInstance<TServer>(provider, config, running),
            configure);

    private static IServiceCollection AddServersFromConfiguration<TConfig, TServer>(
        this IServiceCollection services, IConfiguration section, Func<IServiceProvider, Func<TConfig, RunningSignal, TServer>> factory, Action<ServerDirectoryOptions>? configure)
        where TConfig : ServerConfig
        where TServer : Server
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddContextFlow();
        var options = new ServerDirectoryOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(_ => new ConfigurationServerDirectory<TConfig>(section));
        services.TryAddSingleton<IServerConfigProvider<TConfig>>(provider => provider.GetRequiredService<ConfigurationServerDirectory<TConfig>>());
        services.TryAddSingleton(provider => new ConfiguredServers<TConfig, TServer>(
            provider.GetRequiredService<ServerHost>(),
            provider.GetRequiredService<ConfigurationServerDirectory<TConfig>>(),
            section,
            factory(provider),
            options));
        services.AddHostedService(provider => provider.GetRequiredService<ConfiguredServers<TConfig, TServer>>());
        return services;
    }
}
