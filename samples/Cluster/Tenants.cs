using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow;
using ContextFlow.Hosting;
using ContextFlow.Orleans;
using ContextFlow.Time;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Cluster;

/// <summary>A chat tenant as the client sees it.</summary>
public interface IChatTenant : IGrainWithStringKey
{
    /// <summary>Posts a message; tells <paramref name="notify"/> (another tenant, perhaps on another silo) about it.</summary>
    Task<string> PostAsync(string room, string text, string? notify);

    /// <summary>
    /// Takes note of a message posted on another tenant. It interleaves with a post in progress: tenants notify each
    /// other in a ring, and a tenant waiting for its neighbour while the neighbour waits for it would never finish.
    /// </summary>
    [AlwaysInterleave]
    Task NotifyAsync(string from, string room);
}

public sealed class ChatConfig : ServerConfig
{
    public TimeSpan LoadReportInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>Every name is a tenant here; a real provider reads a database or a configuration file.</summary>
public sealed class ChatDirectory : IServerConfigProvider<ChatConfig>
{
    public ValueTask<ChatConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ChatConfig?>(new ChatConfig { ServerName = serverName });
}

/// <summary>The tenant's code: the same Server it would be in a ServerHost of one process.</summary>
public sealed class ChatServer(ChatConfig config, RunningSignal running) : Server(config, running: running)
{
    private int _posts;

    public async Task<int> StoreAsync(string room, string text)
    {
        await Clock.SleepAsync(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20)));   // the database, say
        Log.Information("Stored {Length} characters in {Room}", text.Length, room);
        return Interlocked.Increment(ref _posts);
    }

    protected override Task OnSetupAsync(CancellationToken cancellationToken)
    {
        Log.Information("Opening storage");
        return Task.CompletedTask;
    }

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        Clock.LoopingCall(config.LoadReportInterval, () => Log.Information("Load report: {Posts} posts", Volatile.Read(ref _posts)));
        return Task.CompletedTask;
    }
}

public sealed class ChatTenantGrain : TenantGrain<ChatConfig, ChatServer>, IChatTenant
{
    public async Task<string> PostAsync(string room, string text, string? notify)
    {
        Log.Information("Posting to {Room} on silo {Silo}", room, SiloName);
        var count = await Server.StoreAsync(room, text);
        if (notify is not null)
        {
            await GrainFactory.GetGrain<IChatTenant>(notify).NotifyAsync(Server.ServerName, room);
        }

        return $"{Server.ServerName} stored post {count} on {SiloName} for request {LoggingContext.Current.Request?.RequestId}";
    }

    public Task NotifyAsync(string from, string room)
    {
        Log.Information("{From} posted in {Room}; noted on silo {Silo}", from, room, SiloName);
        return Task.CompletedTask;
    }

    private string SiloName => ServiceProvider.GetRequiredService<ILocalSiloDetails>().Name;

    protected override ChatServer CreateServer(ChatConfig config, RunningSignal running) => new(config, running);
}
