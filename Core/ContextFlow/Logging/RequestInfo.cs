namespace ContextFlow;

/// <summary>
/// What a logging context knows about the request it serves. Nested contexts inherit it from their parent,
/// so log lines of work done on behalf of a request carry the request's fields without holding the request itself.
/// </summary>
/// <param name="RequestId">The request's identifier, e.g. <c>"GET-42"</c>.</param>
/// <param name="Method">The HTTP method, when there is one.</param>
/// <param name="Url">The requested URL (redacted as the caller sees fit).</param>
/// <param name="IpAddress">The client's address.</param>
/// <param name="Requester">Who made the request, as the application names them.</param>
/// <param name="AuthenticatedEntity">The entity that authenticated, when it differs from <paramref name="Requester"/>.</param>
/// <param name="SiteTag">Which listener received the request.</param>
/// <param name="Protocol">The protocol, e.g. <c>"HTTP/1.1"</c>.</param>
/// <param name="UserAgent">The client's user agent.</param>
public sealed record RequestInfo(
    string RequestId,
    string? Method = null,
    string? Url = null,
    string? IpAddress = null,
    string? Requester = null,
    string? AuthenticatedEntity = null,
    string? SiteTag = null,
    string? Protocol = null,
    string? UserAgent = null);
