using ContextFlow.Hosting;

namespace ContextFlow.AspNetCore;

/// <summary>
/// What <c>app.UseContextFlow()</c> gives a request it routed to a server: the server, and the request's logging context
/// (<c>"{METHOD}-{n}"</c>, a child of the server's <see cref="Server.Totals"/>, with the request's
/// <see cref="RequestInfo"/>). Set in <c>HttpContext.Features</c> from the moment the request is routed until it ends;
/// absent for a request that was not routed (no server of that name, the admin API, middleware before
/// <c>UseContextFlow()</c>).
/// </summary>
/// <remarks>
/// Handlers usually reach the server through <c>HttpContext.GetContextFlowServer&lt;TServer&gt;()</c>; middleware and
/// libraries that may see requests of no server ask for the feature. Thread-safe to read.
/// </remarks>
/// <example>
/// <code>
/// if (http.Features.Get&lt;IContextFlowFeature&gt;() is { } routed)
/// {
///     logger.LogInformation("for {ServerName} in {Request}", routed.Server.ServerName, routed.Context.Name);
/// }
/// </code>
/// </example>
public interface IContextFlowFeature
{
    /// <summary>The server the request was routed to.</summary>
    Server Server { get; }

    /// <summary>The request's logging context, in which the rest of the pipeline runs.</summary>
    LoggingContext Context { get; }
}
