using System.Collections.Concurrent;
using System.Threading;
using Serilog.Core;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>
/// Checks every event as it arrives, keeping counts rather than events (a load test writes hundreds of thousands):
/// an event of a request (it has a <c>RequestId</c>) must carry the server that request was sent to, and the request
/// id the handler logged in its message (<c>Rid</c>); an event of a timer or background process (it logs its owner)
/// must carry its owner's server and no request.
/// </summary>
public sealed class AttributionCheckingSink(System.Func<string, string?> serverOfRequest) : ILogEventSink
{
    private readonly ConcurrentQueue<string> _mismatches = new();
    private long _requestEvents;
    private long _accessLines;
    private long _ownedEvents;
    private long _mismatchCount;

    public long RequestEvents => Interlocked.Read(ref _requestEvents);

    public long AccessLines => Interlocked.Read(ref _accessLines);

    public long OwnedEvents => Interlocked.Read(ref _ownedEvents);

    public long MismatchCount => Interlocked.Read(ref _mismatchCount);

    public string[] FirstMismatches => _mismatches.ToArray();

    public void Emit(LogEvent logEvent)
    {
        var server = Text(logEvent, "ServerName");
        var requestId = Text(logEvent, "RequestId");
        var rid = Text(logEvent, "Rid");
        var owner = Text(logEvent, "Owner");
        if (owner is not null)
        {
            Interlocked.Increment(ref _ownedEvents);
            Check(owner == server && requestId is null, logEvent, $"owner {owner}");
        }
        else if (rid is not null)
        {
            Interlocked.Increment(ref _requestEvents);
            Check(requestId == rid && server == serverOfRequest(rid), logEvent, $"handler of {rid}");
        }
        else if (Text(logEvent, "SourceContext") == ContextFlow.AspNetCore.AccessLog.SourceContext)
        {
            Interlocked.Increment(ref _accessLines);
            Check(requestId is not null && server == serverOfRequest(requestId), logEvent, "access line");
        }
    }

    private static string? Text(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: string s } ? s : null;

    private void Check(bool ok, LogEvent e, string what)
    {
        if (ok)
        {
            return;
        }

        if (Interlocked.Increment(ref _mismatchCount) <= 20)
        {
            _mismatches.Enqueue($"{what}: ServerName={Text(e, "ServerName")} Request={Text(e, "Request")} RequestId={Text(e, "RequestId")} — {e.RenderMessage()}");
        }
    }
}
