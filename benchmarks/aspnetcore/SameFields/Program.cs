// (d) of the end-to-end benchmark (benchmarks/aspnetcore/run.sh): the hand-written multi-tenant service that logs what
// ContextFlow logs. The same ten tenants and endpoint as HandWritten, but every event carries the eight properties
// ContextFlow's enricher adds to a request's events (ServerName, Request, RequestId, IpAddress, Method, Url, Protocol,
// UserAgent), and Serilog's request line carries the thirteen values of ContextFlow's access line. The values a
// hand-written service has no measure of (the time until the response was sent, database usage) are logged as 0.
// Usage: SameFields PORT LOGFILE
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Serilog;
using Serilog.Context;
using Serilog.Core;
using Serilog.Events;

var tenants = Enumerable.Range(0, 10).ToDictionary(i => $"t{i}.localhost", _ => new RequestCounter(), StringComparer.Ordinal);

var app = Bench.Builder(args, static enrich => enrich.FromLogContext()).Build();
app.Use(async (http, next) =>
{
    var tenant = http.Request.Host.Host;
    if (!tenants.TryGetValue(tenant, out var counter))
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return;
    }

    // "GET-17": the request's name, numbered per tenant, as ContextFlow names a request's context.
    var request = http.Request;
    var fields = new RequestFields(
        tenant,
        string.Create(CultureInfo.InvariantCulture, $"{request.Method}-{counter.Next()}"),
        request.Headers.TryGetValue("X-Request-Id", out var id) && id.Count == 1 ? id.ToString() : http.TraceIdentifier,
        http.Connection.RemoteIpAddress?.ToString(),
        request.Method,
        request.QueryString.HasValue ? string.Concat(request.PathBase.Value, request.Path.Value, request.QueryString.Value) : string.Concat(request.PathBase.Value, request.Path.Value),
        request.Protocol,
        request.Headers[HeaderNames.UserAgent] is { Count: > 0 } agent ? agent.ToString() : null);
    http.Features.Set(fields);

    // One enricher holding all eight properties, built once per request: one push, no property built per event.
    using (LogContext.Push(fields))
    {
        await next(http);
    }
});
app.UseSerilogRequestLogging(options =>
{
    options.MessageTemplate =
        "Processed request: {RequestMethod:l} {Url:l} {StatusCode} {ResponseBytes}B in {Elapsed:F1}ms (sent {SentMs:F1}ms) " +
        "db {DbTransactions}txn {DbMs:F1}ms wait {DbWaitMs:F1}ms rows {RowsFetched} {IpAddress:l} {Requester:l} \"{UserAgent:l}\"";
    options.EnrichDiagnosticContext = static (diagnostics, http) =>
    {
        var fields = http.Features.Get<RequestFields>()!;
        diagnostics.Set("Url", fields.Url);
        diagnostics.Set("ResponseBytes", http.Response.ContentLength ?? 0);
        diagnostics.Set("SentMs", 0.0);
        diagnostics.Set("DbTransactions", 0);
        diagnostics.Set("DbMs", 0.0);
        diagnostics.Set("DbWaitMs", 0.0);
        diagnostics.Set("RowsFetched", 0);
        diagnostics.Set("IpAddress", fields.IpAddress ?? "-");
        diagnostics.Set("Requester", http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "-");
        diagnostics.Set("UserAgent", fields.UserAgent ?? "-");
    };
});
app.MapGet("/rooms/{room}", (string room, HttpContext http, ILogger<Bench> logger) =>
{
    logger.LogInformation("Fetched room {RoomId}", room);
    return new Bench.RoomView(room, http.Request.Host.Host, 3);
});
app.Run();

/// <summary>Numbers a tenant's requests.</summary>
internal sealed class RequestCounter
{
    private long _last;

    public long Next() => Interlocked.Increment(ref _last);
}

/// <summary>What the service logs of a request: its properties, built once, added to each of its events.</summary>
internal sealed class RequestFields : ILogEventEnricher
{
    private readonly LogEventProperty[] _properties;

    public RequestFields(string serverName, string name, string requestId, string? ipAddress, string method, string url, string protocol, string? userAgent)
    {
        IpAddress = ipAddress;
        Url = url;
        UserAgent = userAgent;
        var properties = new List<LogEventProperty>(8)
        {
            new("ServerName", new ScalarValue(serverName)),
            new("Request", new ScalarValue(name)),
            new("RequestId", new ScalarValue(requestId)),
        };
        if (ipAddress is not null)
        {
            properties.Add(new("IpAddress", new ScalarValue(ipAddress)));
        }

        properties.Add(new("Method", new ScalarValue(method)));
        properties.Add(new("Url", new ScalarValue(url)));
        properties.Add(new("Protocol", new ScalarValue(protocol)));
        if (userAgent is not null)
        {
            properties.Add(new("UserAgent", new ScalarValue(userAgent)));
        }

        _properties = [.. properties];
    }

    public string? IpAddress { get; }

    public string Url { get; }

    public string? UserAgent { get; }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var property in _properties)
        {
            logEvent.AddPropertyIfAbsent(property);
        }
    }
}
