using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The admin endpoints' own protection, an endpoint filter on their group. They never answer inside a server's URL
/// space (a request routed to a server, by its host, path prefix or header, gets 404, as for a path the server does not
/// have). And until the application says who may use them (<c>.RequireAuthorization(policy)</c> on the group, or
/// <c>.AllowAnonymous()</c> to open them to everyone), they answer loopback clients only: 403 for the others.
/// </summary>
/// <remarks>
/// A client counts as loopback when its address is (after <c>UseForwardedHeaders()</c>, which puts the real client's
/// address there) and the request carries no <c>X-Forwarded-For</c> or <c>Forwarded</c> header: a proxy on the same
/// machine that relays the network's requests is not trusted as the network's clients would not be.
/// </remarks>
internal static class AdminGuard
{
    // RFC 7239's header, which ASP.NET Core's forwarded headers middleware does not read.
    private const string ForwardedHeader = "Forwarded";

    /// <summary>Marks the admin endpoints, so that a request for no server that routing matched to one passes on to it.</summary>
    public sealed class Metadata
    {
        public static readonly Metadata Instance = new();

        private Metadata()
        {
        }
    }

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        if (http.Features.Get<IContextFlowFeature>() is not null)
        {
            return TypedResults.NotFound();
        }

        var endpoint = http.GetEndpoint();
        var decided = endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        if (!decided && !IsLoopbackClient(http))
        {
            return TypedResults.Problem(Problems.Create(
                StatusCodes.Status403Forbidden,
                "Forbidden",
                "The ContextFlow admin API answers loopback clients only. To open it to others, require a policy on it: " +
                "app.MapContextFlowAdmin().RequireAuthorization(\"admin\")."));
        }

        return await next(invocation).ConfigureAwait(false);
    }

    private static bool IsLoopbackClient(HttpContext http)
    {
        if (http.Connection.RemoteIpAddress is not { } address ||
            http.Request.Headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName) || http.Request.Headers.ContainsKey(ForwardedHeader))
        {
            return false;
        }

        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }
}
