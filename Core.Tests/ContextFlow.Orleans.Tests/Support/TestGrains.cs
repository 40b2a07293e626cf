using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Time;
using Orleans;
using Orleans.Concurrency;

namespace ContextFlow.Orleans.Tests.Support;

/// <summary>A tenant as the tests call it.</summary>
public interface ITestTenant : IGrainWithStringKey
{
    /// <summary>Logs twice around a yield, then calls a peer tenant and a plain grain when given, and reports the call's context.</summary>
    Task<CallObservation> HandleAsync(string expectedRequestId, string? peer, long probe);

    /// <summary>
    /// Logs once and reports the call's context. Interleaves with a running call: tenants call each other in a ring,
    /// which would otherwise deadlock once every one of them waits for the next.
    /// </summary>
    [AlwaysInterleave]
    Task<CallObservation> EchoAsync(string expectedRequestId);

    /// <summary>Calls <paramref name="peer"/> from a background process of the tenant's server, outside any request.</summary>
    Task<CallObservation> CallFromBackgroundAsync(string peer);

    /// <summary>Calls <paramref name="peer"/> from a context of the tenant's own, made inside the call, with a request of its own or none.</summary>
    Task<CallObservation> CallFromOwnContextAsync(string peer, string? requestId);
}

/// <summary>A grain that is not a tenant: its calls must run in the sentinel, whoever calls it.</summary>
public interface IProbe : IGrainWithIntegerKey
{
    Task<ProbeObservation> CheckAsync();

    /// <summary>Calls a tenant from this plain grain's call.</summary>
    Task<CallObservation> ForwardAsync(string tenant);
}

/// <summary>What a tenant saw of its call's context.</summary>
[GenerateSerializer]
public sealed class CallObservation
{
    [Id(0)] public string Tenant { get; init; } = "";
    [Id(1)] public string Silo { get; init; } = "";
    [Id(2)] public string ServerKey { get; init; } = "";
    [Id(3)] public string ContextName { get; init; } = "";
    [Id(4)] public string ContextServer { get; init; } = "";
    [Id(5)] public string? RequestId { get; init; }
    [Id(6)] public string? Requester { get; init; }
    [Id(7)] public bool ParentIsTotals { get; init; }
    [Id(8)] public bool SameContextAfterAwaits { get; init; }
    [Id(9)] public int ThreadId { get; init; }
    [Id(10)] public ProbeObservation? Probe { get; init; }
    [Id(11)] public CallObservation? Peer { get; init; }

    /// <summary>The call's RequestContext as the tenant found it, <c>"key=value"</c> per entry.</summary>
    [Id(12)] public string[] Carried { get; init; } = [];
}

/// <summary>What a plain grain saw: the context at the start of its call and after a yield, and the thread.</summary>
[GenerateSerializer]
public sealed class ProbeObservation
{
    [Id(0)] public string? Leaked { get; init; }
    [Id(1)] public int ThreadId { get; init; }
    [Id(2)] public string Silo { get; init; } = "";

    /// <summary>The call's RequestContext as the plain grain found it, <c>"key=value"</c> per entry.</summary>
    [Id(3)] public string[] Carried { get; init; } = [];
}

/// <summary>What a call found in Orleans' RequestContext.</summary>
public static class RequestContextEntries
{
    public static string[] Current() => [.. global::Orleans.Runtime.RequestContext.Entries.Select(e => $"{e.Key}={e.Value}").Order(StringComparer.Ordinal)];
}

public sealed class TestTenantGrain(TestTime time) : TenantGrain<TestTenantConfig, TestTenantServer>, ITestTenant
{
    public async Task<CallObservation> HandleAsync(string expectedRequestId, string? peer, long probe)
    {
        var context = LoggingContext.Current;
        var thread = Environment.CurrentManagedThreadId;
        Serilog.Log.Information("Handling for {Tenant} {ExpectedRequestId}", this.GetPrimaryKeyString(), expectedRequestId);
        await Task.Yield();
        var peerSaw = peer is null ? null : await GrainFactory.GetGrain<ITestTenant>(peer).EchoAsync(expectedRequestId);
        var probeSaw = probe < 0 ? null : await GrainFactory.GetGrain<IProbe>(probe).CheckAsync();
        Serilog.Log.Information("Handled for {Tenant} {ExpectedRequestId}", this.GetPrimaryKeyString(), expectedRequestId);
        return Observe(context, thread, ReferenceEquals(context, LoggingContext.Current), probeSaw, peerSaw);
    }

    public async Task<CallObservation> EchoAsync(string expectedRequestId)
    {
        var context = LoggingContext.Current;
        await Task.Yield();
        Serilog.Log.Information("Echo for {Tenant} {ExpectedRequestId}", this.GetPrimaryKeyString(), expectedRequestId);
        return Observe(context, Environment.CurrentManagedThreadId, ReferenceEquals(context, LoggingContext.Current), null, null);
    }

    public async Task<CallObservation> CallFromBackgroundAsync(string peer)
    {
        var done = new TaskCompletionSource<CallObservation>(TaskCreationOptions.RunContinuationsAsynchronously);
        var factory = GrainFactory;
        await Server.BackgroundProcesses.RunAsBackgroundProcess("call_peer", async _ =>
        {
            try
            {
                done.SetResult(await factory.GetGrain<ITestTenant>(peer).EchoAsync(""));
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return await done.Task;
    }

    public async Task<CallObservation> CallFromOwnContextAsync(string peer, string? requestId)
    {
        using (new LoggingContext("own", Server.ServerName, request: requestId is null ? null : new RequestInfo(requestId)).Enter())
        {
            return await GrainFactory.GetGrain<ITestTenant>(peer).EchoAsync("");
        }
    }

    protected override TestTenantServer CreateServer(TestTenantConfig config, RunningSignal running) =>
        new(config, time.Provider, running, RuntimeIdentity);

    private CallObservation Observe(LoggingContext context, int thread, bool same, ProbeObservation? probe, CallObservation? peer) => new()
    {
        Tenant = this.GetPrimaryKeyString(),
        Silo = RuntimeIdentity,
        ServerKey = Server.Key,
        ContextName = context.Name,
        ContextServer = context.ServerName,
        RequestId = context.Request?.RequestId,
        Requester = context.Request?.Requester,
        ParentIsTotals = ReferenceEquals(context.Parent, Server.Totals),
        Carried = RequestContextEntries.Current(),
        SameContextAfterAwaits = same,
        ThreadId = thread,
        Probe = probe,
        Peer = peer,
    };
}

public sealed class ProbeGrain : Grain, IProbe
{
    public async Task<ProbeObservation> CheckAsync()
    {
        var before = LoggingContext.Current;
        var thread = Environment.CurrentManagedThreadId;
        await Task.Yield();
        var after = LoggingContext.Current;
        var leaked = !before.IsSentinel ? before : !after.IsSentinel ? after : null;
        return new ProbeObservation
        {
            Leaked = leaked is null ? null : $"{leaked.ServerName}/{leaked.Name}",
            ThreadId = thread,
            Silo = RuntimeIdentity,
            Carried = RequestContextEntries.Current(),
        };
    }

    public Task<CallObservation> ForwardAsync(string tenant) => GrainFactory.GetGrain<ITestTenant>(tenant).EchoAsync("");
}
