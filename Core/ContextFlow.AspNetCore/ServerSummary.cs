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
    public static ServerSummary Of(Server server, TenantRegistry registry, bool history = true)
    {
        var state = registry.Peek(server);
        var requests = server.Totals.GetResourceUsage();
        var background = server.BackgroundProcesses.GetResourceUsage();
        var usage = requests + background;
        var rates = history ? state?.History.Snapshot() : null;
        return new ServerSummary(
            server.ServerName,
            server.State.ToString(),
            server.InstanceId,
            state?.Requests ?? 0,
            state?.InFlight ?? 0,
            state?.ServerErrors ?? 0,
            server.BackgroundProcesses.RunningCount,
            Math.Round(usage.CpuTime.TotalMilliseconds, 3),
            usage.DbTxnCount,
            Math.Round(usage.DbTxnDuration.TotalMilliseconds, 3),
            Math.Round(usage.DbSchedDuration.TotalMilliseconds, 3),
            usage.RowsFetched,
            new ServerHistory(rates?.RequestsPerSecond ?? [], rates?.CpuMsPerSecond ?? [], rates?.DbMsPerSecond ?? []));
    }
}

/// <summary>A server's rates per sample interval, oldest first.</summary>
internal sealed record ServerHistory(double[] RequestsPerSecond, double[] CpuMsPerSecond, double[] DbMsPerSecond);

/// <summary>
/// The admin API's list: one page of the hosted servers, with what the figures mean. <see cref="Total"/> counts them all;
/// <see cref="Offset"/> and <see cref="Limit"/> say which page this is.
/// </summary>
internal sealed record ServerList(double SampleIntervalSeconds, bool CpuTracking, int Total, int Offset, int Limit, IReadOnlyList<ServerSummary> Servers);
