using System;
using System.Diagnostics;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Http;

namespace ContextFlow.AspNetCore;

/// <summary>
/// One request routed to a server, as the request's <see cref="IContextFlowFeature"/>: its server and logging context,
/// its timings, what counts its response body, and what it threw; and, once the response has been sent, its access line.
/// </summary>
/// <remarks>
/// The feature stays set for the rest of the request, so a pipeline executed again (by <c>UseExceptionHandler</c>) finds
/// it and runs in the same context.
/// </remarks>
internal sealed class TenantRequest(TenantState tenant, LoggingContext context, HttpContext http) : IContextFlowFeature
{
    // Until the response has been sent, the server is in use: a host that releases idle servers keeps it.
    private readonly KeepAliveScope _inUse = tenant.Server.KeepAlive();

    public TenantState Tenant { get; } = tenant;

    public Server Server => Tenant.Server;

    public LoggingContext Context { get; } = context;

    public HttpContext Http { get; } = http;

    public CountingResponseBody Body { get; } = new();

    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>When the application's pipeline returned (the response may still be sending).</summary>
    public long ProcessedAt { get; private set; }

    /// <summary>The exception the rest of the pipeline threw, if any, for the access line.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The pipeline starts (or starts again): count the response body.</summary>
    public void Attach() => Body.Attach(Http);

    /// <summary>The pipeline has returned: the original body feature back, and the time noted.</summary>
    public void Detach()
    {
        ProcessedAt = Stopwatch.GetTimestamp();
        Body.Detach(Http);
    }

    /// <summary>
    /// Records an exception of the pipeline for the access line, in an exception filter: it returns
    /// <see langword="false"/>, so the exception goes on to the application's own error handling.
    /// </summary>
    public bool Fail(Exception exception)
    {
        Failure = exception;
        return false;
    }

    /// <summary>The response has been sent: the access line, then the request leaves the server's in-flight count.</summary>
    public Task CompleteAsync()
    {
        var status = Http.Response.StatusCode;
        try
        {
            Tenant.Registry.AccessLog.Write(this, status, Http.RequestAborted.IsCancellationRequested, Stopwatch.GetTimestamp());
        }
        finally
        {
            Tenant.Exit(status);
            _inUse.Dispose();
        }

        return Task.CompletedTask;
    }
}
