// (a) of the end-to-end benchmark (benchmarks/aspnetcore/run.sh): the hand-written multi-tenant service. Ten tenants
// t0.localhost … t9.localhost chosen by the Host header, unknown hosts answered 404, two log events per request (the
// handler's and Serilog's request line) into a file. Usage: HandWritten PORT LOGFILE
using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Context;

var tenants = Enumerable.Range(0, 10).Select(i => $"t{i}.localhost").ToHashSet(StringComparer.Ordinal);

var app = Bench.Builder(args, static enrich => enrich.FromLogContext()).Build();
app.Use(async (http, next) =>
{
    var tenant = http.Request.Host.Host;
    if (!tenants.Contains(tenant))
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return;
    }

    var requestId = http.Request.Headers.TryGetValue("X-Request-Id", out var id) && id.Count == 1 ? id.ToString() : http.TraceIdentifier;
    using (LogContext.PushProperty("ServerName", tenant))
    using (LogContext.PushProperty("RequestId", requestId))
    {
        await next(http);
    }
});
app.UseSerilogRequestLogging();
app.MapGet("/rooms/{room}", (string room, HttpContext http, ILogger<Bench> logger) =>
{
    logger.LogInformation("Fetched room {RoomId}", room);
    return new Bench.RoomView(room, http.Request.Host.Host, 3);
});
app.Run();
