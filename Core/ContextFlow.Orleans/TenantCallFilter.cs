using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Orleans;

namespace ContextFlow.Orleans;

/// <summary>
/// What every call to a tenant grain runs in: a new <see cref="LoggingContext"/> of the tenant's server, named after
/// the call (<c>"{Interface}.{Method}"</c>), a child of the server's <see cref="Server.Totals"/>, carrying the request
/// the caller sent (<see cref="CarriedRequest"/>). <see cref="TenantGrain{TConfig, TServer}"/> is its own incoming
/// call filter and runs its calls through here.
/// </summary>
/// <remarks>
/// <para>
/// A filter of the tenant grain rather than of the silo: Orleans takes its filter path (an invoker object and a
/// pipeline per call) for a grain only when a silo-wide filter is installed or the grain is a filter itself, so calls
/// to every other grain of a silo with ContextFlow cost what they cost without it, and run in the sentinel, as Orleans
/// starts them. The caller's context never crosses a call (only its request does).
/// </para>
/// <para>
/// Orleans runs each call on its activation's scheduler, on whatever pool thread is free. The context flows with the
/// call's <see cref="System.Threading.ExecutionContext"/>, which Orleans starts clean for every activation, and the
/// scope below is entered and disposed inside this async method, so the thread goes back to Orleans as it came: the
/// next call it runs, of any grain, sees none of this one's context.
/// </para>
/// </remarks>
internal static class TenantCallFilter
{
    // "{Interface}.{Method}" per interface method, built once: a call should not pay for a string concatenation.
    private static readonly ConcurrentDictionary<MethodInfo, string> s_names = new();

    /// <summary>
    /// Runs a call to <paramref name="grain"/> in a context of <paramref name="server"/>: a call to one of the grain's
    /// own interfaces, while it has a server. Calls to runtime extensions of the activation (deactivation, migration),
    /// whose target is not the grain itself, and calls before activation has finished pass through untouched.
    /// </summary>
    public static Task Invoke(IIncomingGrainCallContext context, object grain, Server? server) =>
        server is not null && ReferenceEquals(context.Request.GetTarget(), grain)
            ? InvokeInContextAsync(context, server)
            : context.Invoke();

    /// <summary>The context name of a call: the interface's name without its namespace or generic arity, a dot, the method.</summary>
    internal static string NameOf(MethodInfo method) => s_names.GetOrAdd(method, static m =>
    {
        var type = m.DeclaringType?.Name ?? "Grain";
        var tick = type.IndexOf('`', System.StringComparison.Ordinal);
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
