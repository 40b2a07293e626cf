using System;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>What a test endpoint saw of its request: the server, and the logging context it ran in.</summary>
public sealed record Seen(string Server, string Context, string ContextServer, string? RequestId, string? Method, string? Url, string? IpAddress, string? Requester);

/// <summary>The endpoints the web tests call.</summary>
public static class Endpoints
{
    /// <summary>
    /// <c>GET /whoami</c>: logs through Microsoft.Extensions.Logging before and after an await that leaves the thread,
    /// and answers with what it saw. <c>GET /fail</c> throws. <c>GET /db</c> records database usage.
    /// </summary>
    public static void MapTestEndpoints(this WebApplication app)
    {
        app.UseContextFlow();
        MapHandlers(app);
    }

    public static void MapHandlers(WebApplication app)
    {
        app.MapGet("/whoami", async (HttpContext http, ILogger<Seen> logger) =>
        {
            var server = http.GetContextFlowServer();
            logger.LogInformation("Handling for {Tenant}", server.ServerName);
            await Task.Yield();
            var context = LoggingContext.Current;
            logger.LogInformation("Handled for {Tenant}", server.ServerName);
            return new Seen(server.ServerName, context.Name, context.ServerName, context.Request?.RequestId, context.Request?.Method,
                context.Request?.Url, context.Request?.IpAddress, context.Request?.Requester);
        });
        app.MapGet("/fail", string () => throw new InvalidOperationException("the handler broke"));
        app.MapGet("/db", async () =>
        {
            LoggingContext.Current.RecordDatabaseScheduled(TimeSpan.FromMilliseconds(2));
            await Task.Yield();
            using (LoggingContext.Current.CreateNested("db").Enter())
            {
                LoggingContext.Current.RecordDatabaseTransaction(TimeSpan.FromMilliseconds(7));
                LoggingContext.Current.RecordRowsFetched(12);
            }

            return "twelve rows";
        });
    }

    /// <summary>A server's name as the tests write it to the request body.</summary>
    public static string NameOf(Server server) => server.ServerName;
}
