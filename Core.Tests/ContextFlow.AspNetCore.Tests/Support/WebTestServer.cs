using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>The configuration of a test tenant: what it runs besides serving requests.</summary>
public sealed class WebTestConfig : ServerConfig
{
    /// <summary>A looping call that logs every interval; none when null.</summary>
    public TimeSpan? LoopEvery { get; init; }

    /// <summary>Whether a background process runs, logging every <see cref="LoopEvery"/> (or 10 ms).</summary>
    public bool Background { get; init; }

    /// <summary>A setting whose rule spans another, for the provisioning tests.</summary>
    public int MaxRooms { get; init; } = 10;

    public override void Validate()
    {
        base.Validate();
        if (MaxRooms < 1)
        {
            throw new ConfigException($"{nameof(MaxRooms)} must be at least 1; it is {MaxRooms}", nameof(MaxRooms));
        }
    }
}

/// <summary>A tenant of the web tests, on real time unless given a provider, with the test's running signal.</summary>
public sealed class WebTestServer : Server
{
    public WebTestServer(WebTestConfig config, RunningSignal running, TimeProvider? time = null)
        : base(config, time, running)
    {
        Config = config;
    }

    public WebTestConfig Config { get; }

    /// <summary>Runs in setup; tests use it to hold a server in <see cref="ServerState.SettingUp"/>.</summary>
    public Func<CancellationToken, Task>? Setup { get; set; }

    /// <summary>Runs in start (after the loops and process are scheduled).</summary>
    public Func<Task>? Start { get; set; }

    protected override Task OnSetupAsync(CancellationToken cancellationToken) => Setup?.Invoke(cancellationToken) ?? Task.CompletedTask;

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        var every = Config.LoopEvery ?? TimeSpan.FromMilliseconds(10);
        if (Config.LoopEvery is { } loop)
        {
            Clock.LoopingCall(loop, () => Log.Debug("tick of {Owner}", ServerName));
        }

        if (Config.Background)
        {
            BackgroundProcesses.RunAsBackgroundProcess("churn", async ct =>
            {
                while (!ct.IsCancellationRequested)
                {
                    await Clock.SleepAsync(every, ct);
                    Log.Debug("background work of {Owner}", ServerName);
                }
            });
        }

        return Start?.Invoke() ?? Task.CompletedTask;
    }
}
