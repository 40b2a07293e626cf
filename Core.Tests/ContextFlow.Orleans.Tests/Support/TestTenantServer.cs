using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;

namespace ContextFlow.Orleans.Tests.Support;

/// <summary>A tenant's configuration: a setup that fails on demand, to see the failure handled.</summary>
public sealed class TestTenantConfig : ServerConfig
{
    public bool FailSetup { get; init; }
}

/// <summary>
/// A tenant server that starts a looping call, a long delayed call and a background process, and records each tick
/// and itself (weakly) in <see cref="TenantRegistry"/>, so tests can see whether anything of it is still running or
/// still reachable after its grain deactivated.
/// </summary>
public sealed class TestTenantServer : Server
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private readonly TestTenantConfig _config;

    public TestTenantServer(TestTenantConfig config, TimeProvider time, RunningSignal running, string silo)
        : base(config, time, running)
    {
        _config = config;
        Silo = silo;
        Key = $"{ServerName}/{InstanceId}";
        TenantRegistry.Track(this);
    }

    /// <summary>The silo whose grain built the server.</summary>
    public string Silo { get; }

    /// <summary>Tells two lives of one tenant apart in <see cref="TenantRegistry"/>.</summary>
    public string Key { get; }

    protected override Task OnSetupAsync(CancellationToken cancellationToken)
    {
        // Take something first, so a failing setup has something to release.
        Clock.CallLater(TimeSpan.FromMinutes(5), () => TenantRegistry.Tick(Key));
        RegisterForDispose(new CancellationTokenSource());
        if (_config.FailSetup)
        {
            throw new InvalidOperationException($"The storage of {ServerName} is unreachable");
        }

        return Task.CompletedTask;
    }

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        Clock.LoopingCall(TickInterval, () => TenantRegistry.Tick(Key));
        BackgroundProcesses.RunAsBackgroundProcess("idle", ct => Clock.SleepAsync(TimeSpan.FromDays(1), ct));
        return Task.CompletedTask;
    }
}

/// <summary>Every test tenant server built in this process, weakly, and the ticks of its looping call.</summary>
public static class TenantRegistry
{
    private static readonly ConcurrentDictionary<string, WeakReference> s_servers = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> s_ticks = new(StringComparer.Ordinal);

    public static System.Collections.Generic.ICollection<string> Keys => s_servers.Keys;

    public static void Track(TestTenantServer server) => s_servers[server.Key] = new WeakReference(server);

    public static void Tick(string key) => s_ticks.AddOrUpdate(key, 1, static (_, n) => n + 1);

    public static int Ticks(string key) => s_ticks.TryGetValue(key, out var n) ? n : 0;

    /// <summary>The weak reference to the server of <paramref name="key"/>, taken when it was built.</summary>
    public static WeakReference Reference(string key) => s_servers[key];

    /// <summary>The server of <paramref name="key"/> if it is still alive (a strong reference: drop it before collecting).</summary>
    public static TestTenantServer? Find(string key) => s_servers.TryGetValue(key, out var r) ? r.Target as TestTenantServer : null;
}
