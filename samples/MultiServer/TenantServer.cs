using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Serilog;

namespace MultiServer;

/// <summary>
/// One tenant: its rooms and messages, a looping call that reports its load, and a background process that indexes
/// new messages for search. Everything it schedules goes through its own Clock and BackgroundProcesses, so shutting it
/// down (deprovisioning, or the whole process stopping) leaves nothing of it behind.
/// </summary>
public sealed class TenantServer : Server
{
    private readonly TenantConfig _config;
    private readonly Channel<Message> _toIndex = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ConcurrentBag<long>> _index = new(StringComparer.Ordinal);
    private long _indexed;

    public TenantServer(TenantConfig config, RunningSignal running)
        : base(config, running: running)
    {
        _config = config;
        Store = new RoomStore(config.MaxRooms);
    }

    public RoomStore Store { get; }

    public int MaxMessageLength => _config.MaxMessageLength;

    public long Indexed => Interlocked.Read(ref _indexed);

    /// <summary>Queues a new message for the indexer.</summary>
    public void Index(Message message) => _toIndex.Writer.TryWrite(message);

    /// <summary>The ids of the indexed messages that contain <paramref name="word"/>.</summary>
    public IReadOnlyList<long> Search(string word) =>
        _index.TryGetValue(word.ToLowerInvariant(), out var ids) ? [.. ids.Distinct().Order()] : [];

    protected override Task OnSetupAsync(CancellationToken cancellationToken)
    {
        Log.Information("Opening storage for up to {MaxRooms} rooms", _config.MaxRooms);
        Store.CreateRoom("lobby");
        return Task.CompletedTask;
    }

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        Clock.LoopingCall(_config.ReportInterval, () =>
            Log.Information("Load report: {Rooms} rooms, {Messages} messages, {Indexed} indexed", Store.RoomCount, Store.MessageCount, Indexed));
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
