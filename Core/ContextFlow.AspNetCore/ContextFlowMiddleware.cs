using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Serilog;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Routes each request to its server and runs the rest of the pipeline in a request context of that server:
/// <c>"{METHOD}-{n}"</c> (n counting per server), a child of the server's <see cref="Server.Totals"/>, carrying
/// <see cref="RequestInfo"/>. Unknown servers get 404 and servers that are not running 503, both as problem details.
/// The access line is written in the request's context once the response has been sent.
/// </summary>
internal sealed class ContextFlowMiddleware
{
    private const string RequestIdHeader = "X-Request-Id";
    private const int MaxRequestIdLength = 128;

    private static readonly Func<object, Task> s_completed = static state => ((TenantRequest)state).CompleteAsync();

    private readonly RequestDelegate _next;
    private readonly TenantRegistry _tenants;
    private readonly ServerNameResolver _resolver;
    private readonly ContextFlowOptions _options;

    public ContextFlowMiddleware(RequestDelegate next, TenantRegistry tenants)
    {
        _next = next;
        _tenants = tenants;
        _options = tenants.Options;
        _resolver = _options.ServerNameResolver;
    }

    public Task InvokeAsync(HttpContext http)
    {
        if (http.Features.Get<IContextFlowFeature>() is TenantRequest routed)
        {
            // The pipeline runs again for a request already routed (UseExceptionHandler with a path re-executes it):
            // the same server and request context, and one access line.
            return RunAsync(http, routed, http.Request.PathBase, http.Request.Path, again: true);
        }

        var pathBase = http.Request.PathBase;
        var path = http.Request.Path;
        var name = _resolver.Resolve(http);
        if (string.IsNullOrEmpty(name) || !_tenants.Host.TryGetServer(name, out var server))
        {
            // Not hosted: a directory may know it (activating it, or saying why it cannot serve); none that does is 404.
            var lookup = string.IsNullOrEmpty(name) ? default : _tenants.Host.GetOrActivateAsync(name, http.RequestAborted);
            return lookup.IsCompletedSuccessfully
                ? RouteAsync(http, name, lookup.Result, pathBase, path, activated: true)
                : ActivateAsync(http, name!, lookup, pathBase, path);
        }

        return RouteAsync(http, name, server, pathBase, path, activated: false);
    }

    private static string ContextName(string method, long number) => string.Create(
        CultureInfo.InvariantCulture, $"{method}-{number}");

    private static bool IsShuttingDown(Server server) => server.State is ServerState.ShuttingDown or ServerState.ShutDown;

    /// <summary>Waits for the directory's answer: the server, activated; or why it cannot serve.</summary>
    private async Task ActivateAsync(HttpContext http, string name, ValueTask<Server?> lookup, PathString pathBase, PathString path)
    {
        Server? server;
        try
        {
            server = await lookup.ConfigureAwait(false);
        }
        catch (ServerUnavailableException unavailable)
        {
            http.Request.PathBase = pathBase;
            http.Request.Path = path;
            Log.ForContext<ContextFlowMiddleware>().Debug("Server {RequestedServer} is unavailable for {Method} {Path}: {Reason}", name, http.Request.Method, http.Request.Path, unavailable.Message);
            await Problems.UnavailableAsync(http, unavailable).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away while its server was being activated.
            return;
        }

        await RouteAsync(http, name, server, pathBase, path, activated: true).ConfigureAwait(false);
    }

    // activated: the server came from the directory already, so one that does not serve is answered as it is.
    private Task RouteAsync(HttpContext http, string? name, Server? server, PathString pathBase, PathString path, bool activated)
    {
        if (server is null)
        {
            http.Request.PathBase = pathBase;
            http.Request.Path = path;
            if (_tenants.IsAdminRequest(http))
            {
                // For no server, and for an admin API: its endpoints decide (they answer loopback clients, or a policy's).
                return _next(http);
            }

            Log.ForContext<ContextFlowMiddleware>().Debug("No server {RequestedServer} for {Method} {Path}", name, http.Request.Method, http.Request.Path);
            return _tenants.Stopping ? Problems.ServiceStoppingAsync(http) : Problems.UnknownServerAsync(http, name);
        }

        var tenant = _tenants.For(server);
        var number = tenant?.TryEnter() ?? 0;
        if (number == 0)
        {
            // Not serving: starting, or shutting down. A directory that activates servers brings up a new instance of one
            // that is going (released when idle, say) and lets the request wait for one being activated.
            var again = !activated && server.State != ServerState.Running ? _tenants.Host.GetOrActivateAsync(server.ServerName, http.RequestAborted) : default;
            if (!again.IsCompletedSuccessfully || (again.Result is { } other && !ReferenceEquals(other, server)))
            {
                return ActivateAsync(http, server.ServerName, again, pathBase, path);
            }

            return Problems.UnavailableAsync(http, server.ServerName, server.State);
        }

        TenantRequest request;
        try
        {
            var context = new LoggingContext(ContextName(http.Request.Method, number), server.ServerName, server.Totals, Describe(http));
            request = new TenantRequest(tenant!, context, http);
            http.Features.Set<IContextFlowFeature>(request);
            http.Response.OnCompleted(s_completed, request);
            if (http.Features.Get<IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } span)
            {
                // The request's span (ASP.NET Core's) names its server and request, as the request's log lines do.
                span.SetTag(ContextFlowMetrics.ServerNameTag, server.ServerName);
                span.SetTag("request_id", context.Request!.RequestId);
            }
        }
        catch
        {
            tenant!.Exit(StatusCodes.Status500InternalServerError);
            throw;
        }

        return RunAsync(http, request, pathBase, path, again: false);
    }

    /// <summary>
    /// Runs the rest of the pipeline in the request's context. An exception it throws is recorded for the access line and
    /// left to propagate, so <c>UseExceptionHandler</c>, the developer exception page and the server answer it; only two
    /// endings are the middleware's own: the client went away (nothing to answer), and the server's shutdown cancelled
    /// the request's work, which is answered 503 rather than reported as a crash.
    /// </summary>
    private async Task RunAsync(HttpContext http, TenantRequest request, PathString pathBase, PathString path, bool again)
    {
        request.Attach();

        // Entered once (its scope finishes it when the pipeline returns); a re-execution only switches back to it.
        using (again ? LoggingContext.Preserve(request.Context) : request.Context.Enter())
        {
            try
            {
                await _next(http).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; the access line says so.
            }
            catch (OperationCanceledException) when (IsShuttingDown(request.Server))
            {
                await AnswerStoppedAsync(http, request).ConfigureAwait(false);
            }
            catch (Exception ex) when (request.Fail(ex))
            {
                // Never reached: Fail records the exception and returns false, so it propagates unhandled.
            }
            finally
            {
                request.Detach();
                http.Request.PathBase = pathBase;
                http.Request.Path = path;
            }
        }
    }

    /// <summary>An orderly end: the server shut down under the request. Not an error of the request, nor of the process.</summary>
    private static async Task AnswerStoppedAsync(HttpContext http, TenantRequest request)
    {
        var info = request.Context.Request!;
        var log = Log.ForContext<ContextFlowMiddleware>();
        if (http.Response.HasStarted)
        {
            log.Information("Closed the connection of {Method} {Url}: server {ServerName} shut down after the response had started", info.Method, info.Url, request.Server.ServerName);
            http.Abort();
            return;
        }

        log.Information("Answered {Method} {Url} with 503: server {ServerName} shut down before the request could complete", info.Method, info.Url, request.Server.ServerName);
        http.Response.Clear();
        await Problems.StoppedAsync(http, request.Server.ServerName).ConfigureAwait(false);
    }

    private RequestInfo Describe(HttpContext http)
    {
        var httpRequest = http.Request;
        var url = httpRequest.QueryString.HasValue
            ? string.Concat(httpRequest.PathBase.Value, httpRequest.Path.Value, httpRequest.QueryString.Value)
            : string.Concat(httpRequest.PathBase.Value, httpRequest.Path.Value);
        var user = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
        var agent = httpRequest.Headers[HeaderNames.UserAgent];
        return new RequestInfo(
            RequestId(http),
            httpRequest.Method,
            url,
            http.Connection.RemoteIpAddress?.ToString(),
            user,
            SiteTag: _options.SiteTag,
            Protocol: httpRequest.Protocol,
            UserAgent: agent.Count == 0 ? null : agent.ToString());
    }

    private string RequestId(HttpContext http)
    {
        if (_options.TrustRequestIdHeader && http.Request.Headers.TryGetValue(RequestIdHeader, out var values) && values.Count == 1 &&
            values[0] is { Length: > 0 and <= MaxRequestIdLength } id && IsPrintableAscii(id))
        {
            return id;
        }

        return http.TraceIdentifier;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
