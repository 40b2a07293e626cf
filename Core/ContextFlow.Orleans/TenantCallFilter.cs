using System;
using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Orleans;

namespace ContextFlow.Orleans;

/// <summary>
/// The incoming grain-call filter of a silo: every call to a tenant grain runs in a new <see cref="LoggingContext"/>
/// of the tenant's server, named after the call (<c>"{Interface}.{Method}"</c>), a child of the server's
/// <see cref="Server.Totals"/>, carrying the request the caller sent (<see cref="CarriedRequest"/>).
/// </summary>
/// <remarks>
/// <para>
/// Calls to other grains pass through untouched and run in the sentinel, as Orleans starts them: the filter adds a
/// context only where it knows the server, and the caller's context never crosses a call (only its request does).
/// </para>
/// <para>
/// Orleans runs each call on its activation's scheduler, on whatever pool thread is free. The context flows with the
/// call's <see cref="System.Threading.ExecutionContext"/>, which Orleans starts clean for every activation, and the
/// scope below is entered and disposed inside this async method, so the thread goes back to Orleans as it came: the
/// next call it runs, of any grain, sees none of this one's context.
/// </para>
/// </remarks>
internal sealed class TenantCallFilter : IIncomingGrainCallFilter
{
    // "{Interface}.{Method}" per interface method, built once: a call should not pay for a string concatenation.
    private static readonly ConcurrentDictionary<MethodInfo, string> s_names = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        // context.Grain is the object the call lands on: a call to one of the tenant's own interfaces has the grain
        // itself; a call to a runtime extension of the activation (deactivation, migration) does not.
        if (context.Grain is not ITenantGrain { ActiveServer: { } server })
        {
            return context.Invoke();
        }

        return InvokeInContextAsync(context, server);
    }

    /// <summary>The context name of a call: the interface's name without its namespace or generic arity, a dot, the method.</summary>
    internal static string NameOf(MethodInfo method) => s_names.GetOrAdd(method, static m =>
    {
        var type = m.DeclaringType?.Name ?? "Grain";
        var tick = type.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? type : type[..tick])}.{m.Name}";
    });

    private static async Task InvokeInContextAsync(IIncomingGrainCallContext context, Server server)
    {
        var call = new LoggingContext(NameOf(context.InterfaceMethod), server.ServerName, server.Totals, CarriedRequest.Incoming());
        using var scope = call.Enter();

        // Plain await: the rest of the call (and the scope's disposal) stays on the activation's scheduler.
        await context.Invoke();
    }
}

/// <summary>What the call filter needs of a tenant grain, whatever its configuration and server types.</summary>
internal interface ITenantGrain
{
    /// <summary>The tenant's server while the grain is active; <see langword="null"/> before activation and after deactivation.</summary>
    Server? ActiveServer { get; }
}
