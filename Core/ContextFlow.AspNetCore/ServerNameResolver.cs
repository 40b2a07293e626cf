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
/// options.ServerNameResolver = ServerNameResolver.Host();               // alpha.example.com → "alpha.example.com"
/// options.ServerNameResolver = ServerNameResolver.PathPrefix();         // /alpha/rooms → "alpha", path /rooms
/// options.ServerNameResolver = ServerNameResolver.Header("X-Tenant");   // X-Tenant: alpha → "alpha"
/// </code>
/// </example>
public abstract class ServerNameResolver
{
    /// <summary>
    /// The server named by the <c>Host</c> header without its port, as browsers send hosts (lower case, no trailing dot),
    /// as virtual hosts do. Server names are looked up ignoring case, so <c>Alpha.Example</c> is reached by
    /// <c>alpha.example</c>, <c>ALPHA.EXAMPLE</c> and <c>alpha.example.</c>.
    /// </summary>
    /// <returns>The resolver.</returns>
    public static ServerNameResolver Host() => HostResolver.Instance;

    /// <summary>
    /// The server named by the first path segment, which is then moved to <c>PathBase</c>: <c>/alpha/rooms/1</c> reaches
    /// the endpoint <c>/rooms/1</c> of server <c>alpha</c>. Call <c>app.UseRouting()</c> after <c>app.UseContextFlow()</c>,
    /// so that endpoints are matched on the path without the prefix.
    /// </summary>
    /// <returns>The resolver.</returns>
    public static ServerNameResolver PathPrefix() => PathPrefixResolver.Instance;

    /// <summary>The server named by a request header, e.g. one a proxy in front sets.</summary>
    /// <param name="headerName">The header, e.g. <c>"X-Tenant"</c>.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="ArgumentException"><paramref name="headerName"/> is null or empty.</exception>
    public static ServerNameResolver Header(string headerName)
    {
        ArgumentException.ThrowIfNullOrEmpty(headerName);
        return new HeaderResolver(headerName);
    }

    /// <summary>Returns the server name the request asks for, or <see langword="null"/> when it names none.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The server name, or <see langword="null"/> (answered with 404).</returns>
    public abstract string? Resolve(HttpContext context);

    /// <summary>
    /// A host as browsers send it: lower case, and without the trailing dot of a fully qualified name
    /// (<c>Alpha.Example.</c> is <c>alpha.example</c>). Allocates only when there is something to change.
    /// </summary>
    private static string NormalizeHost(string host)
    {
        if (host.Length > 1 && host[^1] == '.')
        {
            host = host[..^1];
        }

        foreach (var c in host)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return host.ToLowerInvariant();
            }
        }

        return host;
    }

    private sealed class HostResolver : ServerNameResolver
    {
        public static readonly HostResolver Instance = new();

        public override string? Resolve(HttpContext context)
        {
            var host = context.Request.Host;
            return host.HasValue ? NormalizeHost(host.Host) : null;
        }
    }

    private sealed class PathPrefixResolver : ServerNameResolver
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

    private sealed class HeaderResolver(string headerName) : ServerNameResolver
    {
        public override string? Resolve(HttpContext context)
        {
            var value = context.Request.Headers[headerName];
            return StringValues.IsNullOrEmpty(value) || value.Count != 1 ? null : value[0];
        }
    }
}
