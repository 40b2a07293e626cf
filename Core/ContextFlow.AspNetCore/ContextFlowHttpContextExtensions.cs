using System;
using System.Diagnostics.CodeAnalysis;
using ContextFlow.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>The ContextFlow server (tenant) a request was routed to by <c>app.UseContextFlow()</c>.</summary>
public static class ContextFlowHttpContextExtensions
{
    /// <summary>The server the request is for.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The request was not routed to a server (outside <c>UseContextFlow()</c>).</exception>
    /// <example>
    /// <code>
    /// app.MapGet("/rooms", (HttpContext http) => http.GetServer&lt;TenantServer&gt;().Rooms.List());
    /// </code>
    /// </example>
    public static ContextFlow.Hosting.Server GetServer(this HttpContext context) =>
        TryGetServer(context, out var server)
            ? server
            : throw new InvalidOperationException("The request was not routed to a server: call app.UseContextFlow() before the endpoints.");

    /// <summary>The server the request is for, as its own type.</summary>
    /// <typeparam name="TServer">The server's type.</typeparam>
    /// <param name="context">The request.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The request was not routed to a server, or its server is of another type.</exception>
    public static TServer GetServer<TServer>(this HttpContext context)
        where TServer : ContextFlow.Hosting.Server
    {
        var server = GetServer(context);
        return server as TServer ?? throw new InvalidOperationException(
            $"Server {server.ServerName} is a {server.GetType().Name}, not a {typeof(TServer).Name}.");
    }

    /// <summary>Finds the server the request is for.</summary>
    /// <param name="context">The request.</param>
    /// <param name="server">The server, when the request was routed to one.</param>
    /// <returns>Whether the request was routed to a server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public static bool TryGetServer(this HttpContext context, [NotNullWhen(true)] out ContextFlow.Hosting.Server? server)
    {
        ArgumentNullException.ThrowIfNull(context);
        server = context.Features.Get<TenantRequest>()?.Server;
        return server is not null;
    }
}
