using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;

namespace ContextFlow.Benchmarks.Hosting;

internal sealed class BenchConfig : ServerConfig
{
    /// <summary>Whether the server starts a looping call, a delayed call and a background process.</summary>
    public bool Busy { get; init; }
}

/// <summary>A server with an empty setup; when <see cref="BenchConfig.Busy"/>, a start that schedules a little of everything.</summary>
internal sealed class BenchServer(BenchConfig config, RunningSignal running) : Server(config, TimeProvider.System, running)
{
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (config.Busy)
        {
            Clock.LoopingCall(TimeSpan.FromMinutes(1), static () => { });
            Clock.CallLater(TimeSpan.FromMinutes(5), static () => { });
            BackgroundProcesses.RunAsBackgroundProcess("idle", ct => Clock.SleepAsync(TimeSpan.FromHours(1), ct));
        }

        return Task.CompletedTask;
    }
}
