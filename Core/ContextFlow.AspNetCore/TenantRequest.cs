using System;
using System.Diagnostics;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ContextFlow.AspNetCore;

/// <summary>
/// One request routed to a server: its logging context, its timings, and the bytes of its response body, counted by
/// standing in for the response body feature (the server's own writer and stream do the writing).
/// </summary>
/// <remarks>
/// Also the request feature through which <c>HttpContext.GetServer()</c> and the rate limiter find the server; it stays
/// set for the rest of the request, so a pipeline executed again (by <c>UseExceptionHandler</c>) finds it. A
/// request's body is written by one flow at a time, so the byte count needs no synchronization; it is read once the
/// response has completed.
/// </remarks>
internal sealed partial class TenantRequest : IHttpResponseBodyFeature
{
    private IHttpResponseBodyFeature _inner = null!;
    private CountingPipeWriter? _writer;
    private CountingStream? _stream;

    public TenantRequest(TenantState tenant, LoggingContext context, HttpContext http)
    {
        Tenant = tenant;
        Context = context;
        Http = http;
        StartedAt = Stopwatch.GetTimestamp();
    }

    public TenantState Tenant { get; }

    public Server Server => Tenant.Server;

    public LoggingContext Context { get; }

    public HttpContext Http { get; }

    public long StartedAt { get; }

    /// <summary>When the application's pipeline returned (the response may still be sending).</summary>
    public long ProcessedAt { get; private set; }

    public long BytesSent { get; set; }

    /// <summary>The exception the rest of the pipeline threw, if any, for the access line.</summary>
    public Exception? Failure { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => _stream ??= new CountingStream(_inner.Stream, this);

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= new CountingPipeWriter(_inner.Writer, this);

    /// <summary>Stands in for the current response body feature until <see cref="Detach"/>.</summary>
    public void Attach()
    {
        _inner = Http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        Http.Features.Set<IHttpResponseBodyFeature>(this);
    }

    /// <summary>Puts the original body feature back and notes when processing ended.</summary>
    public void Detach()
    {
        ProcessedAt = Stopwatch.GetTimestamp();
        Http.Features.Set(_inner);
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
            AccessLog.Write(this, status, Http.RequestAborted.IsCancellationRequested, Stopwatch.GetTimestamp());
        }
        finally
        {
            Tenant.Exit(status);
        }

        return Task.CompletedTask;
    }

    void IHttpResponseBodyFeature.DisableBuffering() => _inner.DisableBuffering();

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => _inner.StartAsync(cancellationToken);

    async Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        await _inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
        BytesSent += count ?? (new FileInfo(path).Length - offset);
    }

    Task IHttpResponseBodyFeature.CompleteAsync() => _inner.CompleteAsync();
}
