using System;
using ContextFlow;
using ContextFlow.Orleans;
using Microsoft.Extensions.DependencyInjection;

// In Orleans' own namespace for builder extensions, beside UseLocalhostClustering() and AddOutgoingGrainCallFilter(),
// so that configuring a client needs no extra using.
namespace Orleans.Hosting;

/// <summary>Adds ContextFlow's request context to an Orleans client.</summary>
/// <remarks>
/// A client that calls tenant grains from inside a request (a web front end, a gateway) sends the request's id and
/// requester with every call, so the tenant's log lines on whichever silo serves the call carry the id the client
/// logged. A client without it still works; the calls' contexts on the silos then have no request.
/// </remarks>
public static class ContextFlowClientBuilderExtensions
{
    /// <summary>
    /// Sends the current <see cref="LoggingContext"/>'s <see cref="RequestInfo.RequestId"/> and
    /// <see cref="RequestInfo.Requester"/> with every grain call the client makes, in Orleans'
    /// <see cref="Runtime.RequestContext"/> (as one entry, see <c>docs/orleans.md</c>), where the tenant grains read them
    /// back. Calling it again adds nothing.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <example>
    /// <code>
    /// builder.UseOrleansClient(client => client.UseLocalhostClustering().AddContextFlow());
    ///
    /// using (new LoggingContext("GET-42", "gateway", request: new RequestInfo("GET-42", Requester: "@ann:alpha")).Enter())
    /// {
    ///     await grains.GetGrain&lt;IChatTenant&gt;("alpha.example").SendAsync("lobby", "hi");   // the silo logs RequestId GET-42
    /// }
    /// </code>
    /// </example>
    public static IClientBuilder AddContextFlow(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var service in builder.Services)
        {
            if (service.ImplementationType == typeof(RequestContextFilter))
            {
                return builder;
            }
        }

        ExceptionTransport.AddTo(builder.Services);
        return builder.AddOutgoingGrainCallFilter<RequestContextFilter>();
    }
}
