namespace ContextFlow.Orleans;

/// <summary>How <c>ISiloBuilder.AddContextFlow(...)</c> sets up a silo.</summary>
public sealed class ContextFlowSiloOptions
{
    /// <summary>
    /// Whether the silo's own code sends the request of its context with the calls it makes, as a client does: a web
    /// front end in the silo's process, a hosted service, a context with a request of its own that a tenant's code
    /// makes inside a call. <see langword="false"/> by default.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Off, the silo leaves carrying requests to Orleans: a call arrives with its caller's request in
    /// <c>RequestContext</c>, and Orleans passes it on with every call made in the call's flow, through tenants and
    /// plain grains alike. That covers every call a tenant makes while it serves a call, and the fresh contexts of its
    /// clock and background processes start without one, as they start without the call's context. What it does not
    /// cover is a context with a request that did not come with a call: its calls carry the request of the call they
    /// are made in, or none.
    /// </para>
    /// <para>
    /// On, the silo installs the outgoing filter its clients have, which sets the request of the current context (or
    /// removes it, in a context without one) on every call made in a context of ContextFlow's. Orleans then takes its
    /// filter path for every call the silo makes, to any grain, which costs each of them an invoker and two more
    /// asynchronous steps (about 0.7 KB); that is why it is off unless the silo's own code starts requests.
    /// </para>
    /// </remarks>
    public bool SendRequestsFromSiloCode { get; set; }
}
