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
    private readonly TenantResolver _resolver;
    private readonly ContextFlowOptions _options;

    public ContextFlowMiddleware(RequestDelegate next, TenantRegistry tenants)
    {
        _next = next;
        _tenants = tenants;
        _options = tenants.Options;
        _resolver = _options.TenantResolver;
    }

    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments(ContextFlowOptions.AdminPathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return _next(http);
        }

        var name = _resolver.Resolve(http);
        if (string.IsNullOrEmpty(name) || !_tenants.Host.TryGetServer(name, out var server))
        {
            Log.ForContext<ContextFlowMiddleware>().Debug("No server {ServerName} for {Method} {Path}", name, http.Request.Method, http.Request.Path);
            return Problems.UnknownServerAsync(http, name);
        }

        var tenant = _tenants.For(server);
        var number = tenant?.TryEnter() ?? 0;
        if (number == 0)
        {
            return Problems.UnavailableAsync(http, server.ServerName, server.State);
        }

        return RunAsync(http, tenant!, number);
    }

    private static string ContextName(string method, long number) => string.Create(
        CultureInfo.InvariantCulture, $"{method}-{number}");

    private async Task RunAsync(HttpContext http, TenantState tenant, long number)
    {
        TenantRequest request;
        try
        {
            var server = tenant.Server;
            var context = new LoggingContext(ContextName(http.Request.Method, number), server.ServerName, server.Totals, Describe(http));
            request = new TenantRequest(tenant, context, http);
            request.Attach();
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
            tenant.Exit(StatusCodes.Status500InternalServerError);
            throw;
        }

        using (request.Context.Enter())
        {
            try
            {
                await _next(http).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; the access line says so.
            }
            catch (Exception ex) when (!http.Response.HasStarted)
            {
                Log.ForContext<ContextFlowMiddleware>().Error(ex, "Unhandled exception while processing {Method} {Url}", request.Context.Request!.Method, request.Context.Request.Url);
                http.Response.Clear();
                await Problems.WriteAsync(http, Problems.Create(
                    StatusCodes.Status500InternalServerError, "Internal server error", $"Request {request.Context.Request.RequestId} failed.")).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ForContext<ContextFlowMiddleware>().Error(ex, "Unhandled exception after the response started for {Method} {Url}", request.Context.Request!.Method, request.Context.Request.Url);
                throw;
            }
            finally
            {
                request.Detach();
            }
        }
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
