using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Serilog;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Keeps the <see cref="ServerHost"/> in line with a <see cref="ConfigurationServerDirectory{TConfig}"/>: provisions the
/// enabled servers when the host starts (unless they are activated on first use), and applies the section's changes
/// while it runs, one server at a time, the others untouched.
/// </summary>
/// <remarks>
/// Changes arriving in a burst (an editor writes a file twice, a deployment replaces several) are coalesced: the section
/// is reread once it has been quiet for <see cref="ReloadDelay"/>, and one reread is applied at a time. Per server: a
/// new section is provisioned; a removed one deprovisioned; a changed one restarted with its new settings
/// (<see cref="ServerHost.RestartAsync{TConfig, TServer}"/>: set up beside the old instance, which serves until the new
/// one is ready, and keeps serving if the new settings are invalid or its setup fails); a disabled one deprovisioned.
/// With activation on first use only the servers that are hosted are restarted or deprovisioned: the others pick their
/// configuration up when they are next activated.
/// </remarks>
internal sealed class ConfiguredServers<TConfig, TServer> : IHostedService, IDisposable
    where TConfig : ServerConfig
    where TServer : Server
{
    /// <summary>How long the section must be quiet before a change is applied.</summary>
    internal static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private const int MaxConcurrentProvisions = 16;
    private const string ContextName = "configuration";

    private readonly ServerHost _host;
    private readonly ConfigurationServerDirectory<TConfig> _directory;
    private readonly IConfiguration _section;
    private readonly Func<TConfig, RunningSignal, TServer> _factory;
    private readonly bool _activatesOnFirstUse;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _applying = new(1, 1);
    private IDisposable? _watch;
    private ITimer? _quiet;
    private Task _lastApply = Task.CompletedTask;
    private bool _stopped;

    public ConfiguredServers(
        ServerHost host, ConfigurationServerDirectory<TConfig> directory, IConfiguration section, Func<TConfig, RunningSignal, TServer> factory, ServerDirectoryOptions options)
    {
        _host = host;
        _directory = directory;
        _section = section;
        _factory = factory;
        _activatesOnFirstUse = options.ActivateOnFirstUse;
        _time = options.TimeProvider;

        // At once, before any request: the router then tells a configured server not hosted yet from an unknown name.
        host.UseDirectory(directory, factory, options);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _watch = ChangeToken.OnChange(_section.GetReloadToken, OnChange);
        if (_activatesOnFirstUse)
        {
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentProvisions, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(_directory.Servers, options, async (server, _) => await AddAsync(server).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task last;
        lock (_gate)
        {
            _stopped = true;
            _quiet?.Dispose();
            _quiet = null;
            last = _lastApply;
        }

        _watch?.Dispose();
        await last.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _quiet?.Dispose();
        _applying.Dispose();
    }

    /// <summary>Waits until every change seen so far has been applied (for tests and orderly shutdown).</summary>
    internal Task WhenAppliedAsync()
    {
        lock (_gate)
        {
            return _lastApply;
        }
    }

    // On the configuration's change callback: (re)start the quiet period, so a burst becomes one reread.
    [ContextBoundary("Coalesces configuration changes of the process, not of a server: a timer on the configured time provider, created without the caller's context")]
    private void OnChange()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (_quiet is null)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _quiet = _time.CreateTimer(static s => ((ConfiguredServers<TConfig, TServer>)s!).OnQuiet(), this, ReloadDelay, Timeout.InfiniteTimeSpan);
                }
            }
            else
            {
                _quiet.Change(ReloadDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnQuiet()
    {
        lock (_gate)
        {
            _quiet?.Dispose();
            _quiet = null;
            if (!_stopped)
            {
                _lastApply = ApplyAsync();
            }
        }
    }

    private async Task ApplyAsync()
    {
        await _applying.WaitAsync().ConfigureAwait(false);
        try
        {
            var changes = _directory.Reload();
            var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentProvisions };
            await Parallel.ForEachAsync(changes, options, async (change, _) => await ApplyAsync(change.Name, change.Before, change.After).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ForContext<ConfiguredServers<TConfig, TServer>>().Error(ex, "Applying a configuration change failed");
        }
        finally
        {
            _applying.Release();
        }
    }

    private async Task ApplyAsync(
        string name, ConfigurationServerDirectory<TConfig>.ConfiguredServer? before, ConfigurationServerDirectory<TConfig>.ConfiguredServer? after)
    {
        using var scope = new LoggingContext(ContextName, name).Enter();
        var log = Log.ForContext<ConfiguredServers<TConfig, TServer>>();
        if (after is null)
        {
            if (await _host.DeprovisionAsync(name).ConfigureAwait(false))
            {
                log.Information("Server {ServerName} is no longer configured: deprovisioned", name);
            }

            return;
        }

        if (after.Error is { } error)
        {
            LogInvalid(log, name, error, hosted: _host.TryGetServer(name, out _));
            return;
        }

        var config = after.Config!;
        if (!config.Enabled)
        {
            if (await _host.DeprovisionAsync(name).ConfigureAwait(false))
            {
                log.Information("Server {ServerName} is disabled in the configuration: deprovisioned", name);
            }

            return;
        }

        if (_host.TryGetServer(name, out _))
        {
            await RunAsync(log, name, () => _host.RestartAsync(config, _factory), "restarted with its new configuration", hosted: true).ConfigureAwait(false);
        }
        else if (!_activatesOnFirstUse)
        {
            await AddAsync(after).ConfigureAwait(false);
        }
    }

    private async Task AddAsync(ConfigurationServerDirectory<TConfig>.ConfiguredServer server)
    {
        using var scope = new LoggingContext(ContextName, server.Name).Enter();
        var log = Log.ForContext<ConfiguredServers<TConfig, TServer>>();
        if (server.Error is { } error)
        {
            LogInvalid(log, server.Name, error, hosted: false);
        }
        else if (server.Config!.Enabled)
        {
            await RunAsync(log, server.Name, () => _host.ProvisionAsync(server.Config, _factory), "provisioned from the configuration", hosted: false).ConfigureAwait(false);
        }
    }

    private static async Task RunAsync(ILogger log, string name, Func<Task<TServer>> step, string done, bool hosted)
    {
        try
        {
            var server = await step().ConfigureAwait(false);
            log.Information("Server {ServerName} ({InstanceId}) {Done}", name, server.InstanceId, done);
        }
        catch (ConfigException ex)
        {
            LogInvalid(log, name, ex, hosted);
        }
        catch (Exception ex) when (ex is ProvisioningCanceledException or ServerAlreadyHostedException)
        {
            // Overtaken by another change or a deprovisioning: that one decides.
            log.Information("Server {ServerName} was not {Done}: {Reason}", name, done, ex.Message);
        }
        catch (Exception ex)
        {
            // Logged in the server's context by the host already; the old instance, if any, serves on.
            log.Debug(ex, "Server {ServerName} was not {Done}", name, done);
        }
    }

    private static void LogInvalid(ILogger log, string name, ConfigException error, bool hosted) =>
        log.Error(
            hosted ? "Invalid configuration of server {ServerName}, which keeps its previous one: {Reason}" : "Invalid configuration of server {ServerName}: {Reason}",
            name, error.Message);
}
