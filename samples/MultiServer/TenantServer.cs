using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Npgsql;
using ContextFlow.Time;
using Serilog;

namespace MultiServer;

/// <summary>
/// One tenant: its rooms and messages (in memory, or in PostgreSQL through its own <see cref="DatabasePool"/>), a looping call that reports its load, and a background process that indexes
/// new messages for search. Everything it schedules goes through its own Clock and BackgroundProcesses, so shutting it
/// down (deprovisioning, or the whole process stopping) leaves nothing of it behind.
/// </summary>
public sealed class TenantServer : Server
{
    private readonly TenantConfig _config;
    private readonly string? _postgres;
    private readonly Channel<Message> _toIndex = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ConcurrentBag<long>> _index = new(StringComparer.Ordinal);
    private long _indexed;

    /// <param name="config">The tenant's settings.</param>
    /// <param name="running">The host's running signal.</param>
    /// <param name="postgres">A PostgreSQL connection string for the rooms, or null to keep them in memory.</param>
    public TenantServer(TenantConfig config, RunningSignal running, string? postgres = null)
        : base(config, running: running)
    {
        _config = config;
        _postgres = postgres;
        Store = new RoomStore(config.MaxRooms);
    }

    public IRoomStore Store { get; private set; }

    public int MaxMessageLength => _config.MaxMessageLength;

    public int MaxRooms => _config.MaxRooms;

    public long Indexed => Interlocked.Read(ref _indexed);

    /// <summary>Queues a new message for the indexer.</summary>
    public void Index(Message message) => _toIndex.Writer.TryWrite(message);

    /// <summary>The ids of the indexed messages that contain <paramref name="word"/>.</summary>
    public IReadOnlyList<long> Search(string word) =>
        _index.TryGetValue(word.ToLowerInvariant(), out var ids) ? [.. ids.Distinct().Order()] : [];

    protected override async Task OnSetupAsync(CancellationToken cancellationToken)
    {
        if (_postgres is null)
        {
            Log.Information("Keeping up to {MaxRooms} rooms in memory", _config.MaxRooms);
            await Store.CreateRoomAsync("lobby", cancellationToken);
            return;
        }

        // The server closes its pool at shutdown, after the background processes that use it.
        var pool = new DatabasePool(this, _postgres);
        pool.StartProfiling();
        var store = new PostgresRoomStore(pool, ServerName, _config.MaxRooms);
        await store.MigrateAsync(cancellationToken);
        Store = store;
        Log.Information("Keeping up to {MaxRooms} rooms in PostgreSQL", _config.MaxRooms);
    }

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        Clock.LoopingCall(_config.ReportInterval, async () =>
        {
            var (rooms, messages) = await Store.CountsAsync(CancellationToken.None);
            Log.Information("Load report: {Rooms} rooms, {Messages} messages, {Indexed} indexed", rooms, messages, Indexed);
        });
        BackgroundProcesses.RunAsBackgroundProcess("index_messages", IndexMessagesAsync);
        RegisterShutdownHandler(() => _toIndex.Writer.TryComplete());
        return Task.CompletedTask;
    }

    // Runs for the server's life in its own "index_messages-0" context; shutdown completes the queue and cancels it.
    private async Task IndexMessagesAsync(CancellationToken cancellationToken)
    {
        var batch = 0;
        await foreach (var message in _toIndex.Reader.ReadAllAsync(cancellationToken))
        {
            foreach (var word in message.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                _index.GetOrAdd(word.ToLowerInvariant().Trim('.', ',', '!', '?'), static _ => []).Add(message.Id);
            }

            Interlocked.Increment(ref _indexed);
            if (++batch == 10 || !_toIndex.Reader.TryPeek(out _))
            {
                Log.Information("Indexed {Count} messages, up to {MessageId}", batch, message.Id);
                batch = 0;
            }
        }
    }
}
