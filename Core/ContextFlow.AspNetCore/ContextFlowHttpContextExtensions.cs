using System;
using ContextFlow.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>
/// The ContextFlow server a request was routed to by <c>app.UseContextFlow()</c>, read from its
/// <see cref="IContextFlowFeature"/>, as <c>GetEndpoint()</c> reads <c>IEndpointFeature</c>.
/// </summary>
public static class ContextFlowHttpContextExtensions
{
    /// <summary>The ContextFlow server the request was routed to.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The request was not routed to a server (outside <c>UseContextFlow()</c>);
    /// ask for the <see cref="IContextFlowFeature"/> where that can be.</exception>
    /// <example>
    /// <code>
    /// app.MapGet("/", (HttpContext http) => $"Hello from {http.GetContextFlowServer().ServerName}");
    /// </code>
    /// </example>
    public static ContextFlow.Hosting.Server GetContextFlowServer(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IContextFlowFeature>()?.Server
            ?? throw new InvalidOperationException("The request was not routed to a server: call app.UseContextFlow() before the endpoints.");
    }

    /// <summary>The ContextFlow server the request was routed to, as its own type.</summary>
    /// <typeparam name="TServer">The server's type.</typeparam>
    /// <param name="context">The request.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The request was not routed to a server, or its server is of another type.</exception>
    /// <example>
    /// <code>
    /// app.MapGet("/rooms", (HttpContext http) => http.GetContextFlowServer&lt;TenantServer&gt;().Rooms.List());
    /// </code>
    /// </example>
    public static TServer GetContextFlowServer<TServer>(this HttpContext context)
        where TServer : ContextFlow.Hosting.Server
    {
        var server = GetContextFlowServer(context);
        return server as TServer ?? throw new InvalidOperationException(
            $"Server {server.ServerName} is a {server.GetType().Name}, not a {typeof(TServer).Name}.");
    }
}
