using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;

namespace ContextFlow.Orleans;

/// <summary>
/// The outgoing grain-call filter of clients (and of silos whose own code starts requests,
/// <see cref="ContextFlowSiloOptions.SendRequestsFromSiloCode"/>): the caller's <see cref="RequestInfo"/> (its request
/// id and requester) travels with the call in Orleans' <see cref="RequestContext"/>, as one
/// <see cref="CarriedRequest"/>, where the callee's <see cref="TenantCallFilter"/> reads it back.
/// </summary>
/// <remarks>
/// <para>
/// In a context of ContextFlow's, the value reflects it: set when it has a request, removed when it has none. Orleans
/// propagates <see cref="RequestContext"/> along a call chain by itself, so without the removal a context without a
/// request made inside a call would pass the id of that call on. In the sentinel (a plain grain's call, code outside
/// any context) nothing is changed: Orleans' propagation carries the request on through grains that are no tenants.
/// </para>
/// <para>
/// Only the id and the requester cross: they are what ties log lines on two silos together and says on whose behalf
/// the work is done. Addresses, URLs and user agents stay with the edge that received the request.
/// </para>
/// </remarks>
internal sealed class RequestContextFilter : IOutgoingGrainCallFilter
{
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
        if (CarriedRequest.Matches(RequestContext.Get(CarriedRequest.Key) as string, request))
        {
            // The usual case inside a grain call: the request came in with the call and goes on unchanged.
            return context.Invoke();
        }

        return InvokeWithAsync(context, CarriedRequest.Encode(request));
    }

    // Async on purpose: RequestContext lives in an AsyncLocal, so what is set here reaches the message Orleans sends
    // from inside context.Invoke() and is undone when this method returns; the caller's own RequestContext is untouched.
    // No ConfigureAwait(false) in grain-call code: on a silo the continuation belongs on the activation's scheduler.
    private static async Task InvokeWithAsync(IOutgoingGrainCallContext context, string? carried)
    {
        if (carried is null)
        {
            RequestContext.Remove(CarriedRequest.Key);
        }
        else
        {
            RequestContext.Set(CarriedRequest.Key, carried);
        }

        await context.Invoke();
    }
}
