using System;
using ContextFlow.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds ContextFlow's tenant routing and request contexts to an application's pipeline.</summary>
public static class ContextFlowApplicationBuilderExtensions
{
    /// <summary>
    /// Routes every request to its server (by the configured <see cref="ServerNameResolver"/>, the <c>Host</c> header by
    /// default) and runs the rest of the pipeline in a request context of that server: <c>"{METHOD}-{n}"</c>, n
    /// counting per server, a child of the server's <c>Totals</c>, with <see cref="ContextFlow.RequestInfo"/> (request id
    /// from <c>X-Request-Id</c> or <c>HttpContext.TraceIdentifier</c>, method, path, client address, authenticated
    /// user). Once the response has been sent, one access line with the request's usage is logged in that context.
    /// </summary>
    /// <remarks>
    /// <para>
    /// An unknown server is answered with 404, a server that is not running (being set up, started or shut down) with
    /// 503, both as problem details. Requests under <c>/_contextflow</c> (the admin API) are not routed. A server that
    /// shuts down stops taking requests and waits for those in flight, within its grace period; a request whose work its
    /// shutdown cancels is answered 503. An exception of the application is recorded on the access line and rethrown, so
    /// put <c>UseExceptionHandler()</c> or the developer exception page before this middleware.
    /// </para>
    /// <para>
    /// Place it early: middleware after it (authentication, <c>UseRateLimiter()</c>, endpoints) runs in the request's
    /// context; middleware before it runs outside any server. Put <c>UseAuthentication()</c> before it for the user to be
    /// in <see cref="ContextFlow.RequestInfo.Requester"/> from the start; the access line reads the user at the end either
    /// way.
    /// </para>
    /// </remarks>
    /// <example>
    /// <code>
    /// app.UseAuthentication();     // optional: the user becomes the request's Requester
    /// app.UseContextFlow();        // everything below runs in the request's context
    /// app.UseRateLimiter();
    /// app.MapGet("/rooms", (HttpContext http) => http.GetContextFlowServer&lt;TenantServer&gt;().Rooms.List());
    /// </code>
    /// </example>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddContextFlow()</c> was not called.</exception>
    public static IApplicationBuilder UseContextFlow(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<TenantRegistry>() is null)
        {
            throw new InvalidOperationException("Call services.AddContextFlow() before app.UseContextFlow().");
        }

        return app.UseMiddleware<ContextFlowMiddleware>();
    }
}
