using System;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;

namespace ContextFlow.Orleans;

/// <summary>
/// The outgoing grain-call filter, on clients and silos: the caller's <see cref="RequestInfo"/> (its request id and
/// requester) travels with the call in Orleans' <see cref="RequestContext"/>, where the callee's
/// <see cref="TenantCallFilter"/> reads it back.
/// </summary>
/// <remarks>
/// <para>
/// In a context of ContextFlow's, the values reflect it: set when it has a request, removed when it has none. Orleans
/// propagates <see cref="RequestContext"/> along a call chain by itself, so without the removal a fresh context of a
/// tenant (a <c>"call_later"</c> callback, a context the tenant's code made) started inside a grain call would pass the
/// id of that call on to calls that are not part of its request. In the sentinel (a plain grain's call, code outside
/// any context) nothing is changed: Orleans' propagation carries the request on through grains that are no tenants.
/// </para>
/// <para>
/// Only the id and the requester cross: they are what ties log lines on two silos together and says on whose behalf
/// the work is done. Addresses, URLs and user agents stay with the edge that received the request.
/// </para>
/// </remarks>
internal sealed class RequestContextFilter : IOutgoingGrainCallFilter
{
    /// <summary>The <see cref="RequestContext"/> key of the request id.</summary>
    internal const string RequestIdKey = "ContextFlow.RequestId";

    /// <summary>The <see cref="RequestContext"/> key of the requester.</summary>
    internal const string RequesterKey = "ContextFlow.Requester";

    /// <summary>The request the current call carries, as the caller's context had it; <see langword="null"/> when none.</summary>
    public static RequestInfo? Incoming() =>
        RequestContext.Get(RequestIdKey) is string id && id.Length > 0
            ? new RequestInfo(id, Requester: RequestContext.Get(RequesterKey) as string)
            : null;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var current = LoggingContext.Current;
        if (current.IsSentinel)
        {
            // Outside ContextFlow's contexts (a plain grain's call, a client without one) Orleans' own propagation of
            // RequestContext stands, so a request passes through plain grains on its way from one tenant to the next.
            return context.Invoke();
        }

        var request = current.Request;
        if (string.Equals(RequestContext.Get(RequestIdKey) as string, request?.RequestId, StringComparison.Ordinal) &&
            string.Equals(RequestContext.Get(RequesterKey) as string, request?.Requester, StringComparison.Ordinal))
        {
            // The usual case inside a grain call: the request came in with the call and goes on unchanged.
            return context.Invoke();
        }

        return InvokeWithAsync(context, request);
    }

    // Async on purpose: RequestContext lives in an AsyncLocal, so what is set here reaches the message Orleans sends
    // from inside context.Invoke() and is undone when this method returns; the caller's own RequestContext is untouched.
    // No ConfigureAwait(false) in grain-call code: on a silo the continuation belongs on the activation's scheduler.
    private static async Task InvokeWithAsync(IOutgoingGrainCallContext context, RequestInfo? request)
    {
        Put(RequestIdKey, request?.RequestId);
        Put(RequesterKey, request?.Requester);
        await context.Invoke();
    }

    private static void Put(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            RequestContext.Remove(key);
        }
        else
        {
            RequestContext.Set(key, value);
        }
    }
}
