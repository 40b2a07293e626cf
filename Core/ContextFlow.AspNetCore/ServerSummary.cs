using System;
using System.Collections.Generic;
using ContextFlow.Hosting;

namespace ContextFlow.AspNetCore;

/// <summary>One server as the admin API lists it: its state, its usage so far, and its recent rates.</summary>
/// <remarks>CPU and database figures add the server's requests (its <see cref="Server.Totals"/>) and its background processes.</remarks>
internal sealed record ServerSummary(
    string Name,
    string State,
    string InstanceId,
    long Requests,
    int InFlight,
    long ServerErrors,
    int BackgroundProcesses,
    double CpuMs,
    long DbTransactions,
    double DbMs,
    double DbWaitMs,
    long RowsFetched,
    ServerHistory History)
{
    public static ServerSummary Of(Server server, TenantRegistry registry)
    {
        var state = registry.Peek(server);
        var usage = server.Totals.GetResourceUsage();
        var background = registry.Usage.For(server.ServerName);
        var rates = state?.History.Snapshot();
        return new ServerSummary(
            server.ServerName,
            server.State.ToString(),
            server.InstanceId,
            state?.Requests ?? 0,
            state?.InFlight ?? 0,
            state?.ServerErrors ?? 0,
            background.InFlight,
            Math.Round(usage.CpuTime.TotalMilliseconds + (background.CpuSeconds * 1000), 3),
            usage.DbTxnCount,
            Math.Round(usage.DbTxnDuration.TotalMilliseconds + (background.DbSeconds * 1000), 3),
            Math.Round(usage.DbSchedDuration.TotalMilliseconds, 3),
            usage.RowsFetched,
            new ServerHistory(rates?.RequestsPerSecond ?? [], rates?.CpuMsPerSecond ?? [], rates?.DbMsPerSecond ?? []));
    }
}

/// <summary>A server's rates per sample interval, oldest first.</summary>
internal sealed record ServerHistory(double[] RequestsPerSecond, double[] CpuMsPerSecond, double[] DbMsPerSecond);

/// <summary>The admin API's list: every hosted server, with what the figures mean.</summary>
internal sealed record ServerList(double SampleIntervalSeconds, bool CpuTracking, IReadOnlyList<ServerSummary> Servers);
