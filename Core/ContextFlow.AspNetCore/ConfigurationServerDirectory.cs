using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Microsoft.Extensions.Configuration;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The servers of a configuration section: one child section per server, its key the server's name
/// (<c>ContextFlow:Servers:alpha.example:MaxRooms</c>), bound to <typeparamref name="TConfig"/> by the configuration
/// binder. JSON files, environment variables (<c>ContextFlow__Servers__alpha.example__MaxRooms</c>) and any other
/// configuration source work alike.
/// </summary>
/// <typeparam name="TConfig">The servers' configuration type: public, with a public parameterless constructor and
/// settable (or init-only) properties, as the binder needs.</typeparam>
/// <remarks>
/// <para>
/// Binding is the binder's own (<c>ConfigurationBinder.Bind</c>), with unknown keys refused, so a misspelt setting is an
/// error rather than silently ignored. <see cref="ServerConfig.ServerName"/> is the section's key (a <c>ServerName</c>
/// inside the section must agree with it) and <see cref="ServerConfig.ConfigurationPath"/> is the section's path, so a
/// <see cref="ConfigException"/> from validation names every setting by its configuration path. A section that fails to
/// bind (a value that does not parse, an unknown key) makes that server invalid; the others are unaffected.
/// </para>
/// <para>
/// Each server's configuration is bound once per content of its section: rereading the configuration keeps the
/// instance of a section that did not change, so it is not validated again. Serve it as the
/// <see cref="IServerConfigProvider{TConfig}"/> of a <see cref="ServerHost"/> or of an Orleans silo.
/// <c>AddServersFromConfiguration</c> also follows the section's changes. Thread-safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // appsettings.json: { "ContextFlow": { "Servers": { "alpha.example": { "MaxRooms": 10 }, "beta.example": { "Enabled": false } } } }
/// var directory = new ConfigurationServerDirectory&lt;ChatConfig&gt;(configuration.GetSection("ContextFlow:Servers"));
/// var alpha = await directory.GetConfigAsync("alpha.example", CancellationToken.None);   // MaxRooms = 10
/// </code>
/// </example>
public sealed class ConfigurationServerDirectory<TConfig> : IServerConfigProvider<TConfig>
    where TConfig : ServerConfig
{
    private readonly IConfiguration _section;
    private readonly object _gate = new();
    private IReadOnlyDictionary<string, ConfiguredServer> _servers;

    /// <summary>Reads the servers of <paramref name="section"/>.</summary>
    /// <param name="section">The section whose children are the servers, e.g. <c>configuration.GetSection("ContextFlow:Servers")</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="section"/> is <see langword="null"/>.</exception>
    public ConfigurationServerDirectory(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        _section = section;
        _servers = Read(new Dictionary<string, ConfiguredServer>());
    }

    /// <summary>The names of the configured servers, enabled or not, valid or not, in no particular order.</summary>
    public IReadOnlyCollection<string> ServerNames => [.. Volatile.Read(ref _servers).Keys];

    /// <summary>The configuration of one server, as last read.</summary>
    /// <param name="serverName">The server's name, ignoring case.</param>
    /// <param name="cancellationToken">Not used: the configuration is in memory.</param>
    /// <returns>The configuration; <see langword="null"/> when no section has that name.</returns>
    /// <exception cref="ConfigException">The server's section does not bind; the message names its path.</exception>
    public ValueTask<TConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        return Volatile.Read(ref _servers).TryGetValue(serverName, out var server)
            ? server.Error is { } error ? ValueTask.FromException<TConfig?>(error) : ValueTask.FromResult<TConfig?>(server.Config)
            : ValueTask.FromResult<TConfig?>(null);
    }

    /// <summary>The server of a name as last read, with its binding failure if any.</summary>
    internal bool TryGet(string serverName, out ConfiguredServer server) => Volatile.Read(ref _servers).TryGetValue(serverName, out server!);

    /// <summary>Every server as last read.</summary>
    internal IReadOnlyCollection<ConfiguredServer> Servers => [.. Volatile.Read(ref _servers).Values];

    /// <summary>Reads the section again and says what changed since the last read: (name, before, after), either side null.</summary>
    internal List<(string Name, ConfiguredServer? Before, ConfiguredServer? After)> Reload()
    {
        lock (_gate)
        {
            var before = _servers;
            var after = Read(before);
            Volatile.Write(ref _servers, after);
            var changes = new List<(string, ConfiguredServer?, ConfiguredServer?)>();
            foreach (var (name, server) in after)
            {
                if (!before.TryGetValue(name, out var old))
                {
                    changes.Add((name, null, server));
                }
                else if (!ReferenceEquals(old, server))
                {
                    changes.Add((name, old, server));
                }
            }

            changes.AddRange(before.Keys.Where(name => !after.ContainsKey(name)).Select(name => (name, (ConfiguredServer?)before[name], (ConfiguredServer?)null)));
            return changes;
        }
    }

    private Dictionary<string, ConfiguredServer> Read(IReadOnlyDictionary<string, ConfiguredServer> previous)
    {
        var servers = new Dictionary<string, ConfiguredServer>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in _section.GetChildren())
        {
            var content = Content(section);
            servers[section.Key] = previous.TryGetValue(section.Key, out var same) && same.Content == content && same.Name == section.Key
                ? same
                : Bind(section, content);
        }

        return servers;
    }

    // What a server's section holds, in a canonical order: equal strings mean an unchanged configuration.
    private static string Content(IConfigurationSection section) =>
        string.Join('\n', section.AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null)
            .OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
            .Select(pair => $"{pair.Key.ToUpperInvariant()}={pair.Value}"));

    private static ConfiguredServer Bind(IConfigurationSection section, string content)
    {
        const string nameKey = nameof(ServerConfig.ServerName);
        try
        {
            if (section[nameKey] is { } named && !string.Equals(named, section.Key, StringComparison.OrdinalIgnoreCase))
            {
                throw new ConfigException(
                    $"{section.Path}:{nameKey} is '{named}', but a server is named by the key of its section, '{section.Key}'", $"{section.Path}:{nameKey}");
            }

            var config = (TConfig)Activator.CreateInstance(typeof(TConfig))!;
            section.Bind(config, options => options.ErrorOnUnknownConfiguration = true);

            // The name and the path come from where the section is, through the binder like every other setting.
            new ConfigurationBuilder()
                .AddInMemoryCollection([new(nameKey, section.Key), new(nameof(ServerConfig.ConfigurationPath), section.Path)])
                .Build()
                .Bind(config);
            return new ConfiguredServer(section.Key, content, config, null);
        }
        catch (ConfigException ex)
        {
            return new ConfiguredServer(section.Key, content, null, ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or MissingMethodException or FormatException)
        {
            return new ConfiguredServer(section.Key, content, null,
                new ConfigException($"{section.Path}: {ex.Message}", ex));
        }
    }

    /// <summary>One server as read: its configuration, or why its section does not bind.</summary>
    internal sealed record ConfiguredServer(string Name, string Content, TConfig? Config, ConfigException? Error);
}
