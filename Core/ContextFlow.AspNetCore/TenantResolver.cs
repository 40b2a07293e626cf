using System;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Finds the name of the server a request is for. The server is then looked up in the process's
/// <see cref="Hosting.ServerHost"/> on every request, so servers provisioned or deprovisioned at run time need no
/// change to endpoints or routing.
/// </summary>
/// <remarks>
/// Derive from it for another scheme (a claim, a subdomain map). <see cref="Resolve"/> is called on every request from
/// many threads at once and must be thread-safe; it runs before the request has a logging context.
/// </remarks>
/// <example>
/// <code>
/// options.TenantResolver = TenantResolver.Host();               // alpha.example.com → "alpha.example.com"
/// options.TenantResolver = TenantResolver.PathPrefix();         // /alpha/rooms → "alpha", path /rooms
/// options.TenantResolver = TenantResolver.Header("X-Tenant");   // X-Tenant: alpha → "alpha"
/// </code>
/// </example>
public abstract class TenantResolver
{
    /// <summary>The server named by the <c>Host</c> header without its port, lower-cased, as virtual hosts do.</summary>
    /// <returns>The resolver.</returns>
    public static TenantResolver Host() => HostResolver.Instance;

    /// <summary>
    /// The server named by the first path segment, which is then moved to <c>PathBase</c>: <c>/alpha/rooms/1</c> reaches
    /// the endpoint <c>/rooms/1</c> of server <c>alpha</c>. Call <c>app.UseRouting()</c> after <c>app.UseContextFlow()</c>,
    /// so that endpoints are matched on the path without the prefix.
    /// </summary>
    /// <returns>The resolver.</returns>
    public static TenantResolver PathPrefix() => PathPrefixResolver.Instance;

    /// <summary>The server named by a request header, e.g. one a proxy in front sets.</summary>
    /// <param name="headerName">The header, e.g. <c>"X-Tenant"</c>.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="ArgumentException"><paramref name="headerName"/> is null or empty.</exception>
    public static TenantResolver Header(string headerName)
    {
        ArgumentException.ThrowIfNullOrEmpty(headerName);
        return new HeaderResolver(headerName);
    }

    /// <summary>Returns the server name the request asks for, or <see langword="null"/> when it names none.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The server name, or <see langword="null"/> (answered with 404).</returns>
    public abstract string? Resolve(HttpContext context);

    private static string Lower(string value)
    {
        foreach (var c in value)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return value.ToLowerInvariant();
            }
        }

        return value;
    }

    private sealed class HostResolver : TenantResolver
    {
        public static readonly HostResolver Instance = new();

        public override string? Resolve(HttpContext context)
        {
            var host = context.Request.Host;
            return host.HasValue ? Lower(host.Host) : null;
        }
    }

    private sealed class PathPrefixResolver : TenantResolver
    {
        public static readonly PathPrefixResolver Instance = new();

        public override string? Resolve(HttpContext context)
        {
            var path = context.Request.Path.Value;
            if (string.IsNullOrEmpty(path) || path.Length < 2)
            {
                return null;
            }

            var end = path.IndexOf('/', 1);
            var name = end < 0 ? path[1..] : path[1..end];
            var request = context.Request;
            request.PathBase = request.PathBase.Add(new PathString(end < 0 ? path : path[..end]));
            request.Path = end < 0 ? PathString.Empty : new PathString(path[end..]);
            return name;
        }
    }

    private sealed class HeaderResolver(string headerName) : TenantResolver
    {
        public override string? Resolve(HttpContext context)
        {
            var value = context.Request.Headers[headerName];
            return StringValues.IsNullOrEmpty(value) || value.Count != 1 ? null : value[0];
        }
    }
}
