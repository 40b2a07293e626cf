using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Orleans;
using Orleans.Runtime;

namespace ContextFlow.Orleans.Benchmarks;

/// <summary>A tenant the benchmarks call; <see cref="IPlainTarget"/> is the same work in a plain grain.</summary>
public interface ITenantTarget : IGrainWithStringKey
{
    Task<int> AddAsync(int a, int b);

    /// <summary>The silo the activation lives on, to pick a target on another silo than the caller.</summary>
    Task<string> SiloAsync();
}

/// <summary>The same calls as <see cref="ITenantTarget"/>, on a grain that is no tenant.</summary>
public interface IPlainTarget : IGrainWithStringKey
{
    Task<int> AddAsync(int a, int b);

    Task<string> SiloAsync();
}

/// <summary>The same calls as <see cref="IPlainTarget"/>, on a plain grain that is its own incoming call filter (a no-op).</summary>
public interface IFilteredTarget : IGrainWithStringKey
{
    Task<int> AddAsync(int a, int b);

    Task<string> SiloAsync();
}

/// <summary>Which kind of grain a caller calls.</summary>
[GenerateSerializer]
public enum TargetKind
{
    Plain,
    Tenant,
    Filtered,
}

/// <summary>
/// Calls a target <paramref name="count"/> times from inside a silo, so the calls measured go silo to silo:
/// <paramref name="inFlight"/> chains of calls at once, each call of a chain awaited before the next.
/// </summary>
public interface IBenchCaller : IGrainWithStringKey
{
    Task<int> CallAsync(string target, TargetKind kind, int count, int inFlight);

    Task<string> SiloAsync();
}

public sealed class BenchConfig : ServerConfig
{
    /// <summary>A start that schedules what a typical tenant does: a looping call and a background process.</summary>
    public bool Busy { get; init; }
}

public sealed class BenchServer(BenchConfig config, RunningSignal running) : Server(config, running: running)
{
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (config.Busy)
        {
            Clock.LoopingCall(TimeSpan.FromSeconds(10), static () => { });
            BackgroundProcesses.RunAsBackgroundProcess("idle", ct => Clock.SleepAsync(TimeSpan.FromHours(1), ct));
        }

        return Task.CompletedTask;
    }
}

public sealed class BenchConfigs : IServerConfigProvider<BenchConfig>
{
    public ValueTask<BenchConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken) =>
        ValueTask.FromResult<BenchConfig?>(new BenchConfig { ServerName = serverName, Busy = serverName.StartsWith("busy", StringComparison.Ordinal) });
}

public sealed class TenantTargetGrain : TenantGrain<BenchConfig, BenchServer>, ITenantTarget
{
    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);

    protected override BenchServer CreateServer(BenchConfig config, RunningSignal running) => new(config, running);
}

public sealed class PlainTargetGrain : Grain, IPlainTarget
{
    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);
}

public sealed class FilteredTargetGrain : Grain, IFilteredTarget, IIncomingGrainCallFilter
{
    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => context.Invoke();
}

public sealed class BenchCallerGrain : Grain, IBenchCaller
{
    public async Task<int> CallAsync(string target, TargetKind kind, int count, int inFlight)
    {
        if (inFlight <= 1)
        {
            return await ChainAsync(target, kind, count);
        }

        var chains = new Task<int>[inFlight];
        for (var i = 0; i < inFlight; i++)
        {
            chains[i] = ChainAsync(target, kind, count / inFlight);
        }

        var sum = 0;
        foreach (var chain in chains)
        {
            sum += await chain;
        }

        return sum;
    }

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);

    private async Task<int> ChainAsync(string target, TargetKind kind, int count)
    {
        var sum = 0;
        switch (kind)
        {
            case TargetKind.Tenant:
            {
                var grain = GrainFactory.GetGrain<ITenantTarget>(target);
                for (var i = 0; i < count; i++)
                {
                    sum += await grain.AddAsync(i, 1);
                }

                break;
            }

            case TargetKind.Filtered:
            {
                var grain = GrainFactory.GetGrain<IFilteredTarget>(target);
                for (var i = 0; i < count; i++)
                {
                    sum += await grain.AddAsync(i, 1);
                }

                break;
            }

            default:
            {
                var grain = GrainFactory.GetGrain<IPlainTarget>(target);
                for (var i = 0; i < count; i++)
                {
                    sum += await grain.AddAsync(i, 1);
                }

                break;
            }
        }

        return sum;
    }
}
