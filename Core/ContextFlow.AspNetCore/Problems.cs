using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Writes error answers as RFC 9457 problem details through the application's <see cref="IProblemDetailsService"/>
/// (registered by <c>AddContextFlow</c> with <c>AddProblemDetails</c>, so the application's customizations apply), and
/// as plain text to a client that accepts no JSON.
/// </summary>
internal static class Problems
{
    public const string UnknownServer = "Unknown server";
    public const string ServerUnavailable = "Server unavailable";

    public static ProblemDetails Create(int status, string title, string detail, IReadOnlyList<string>? settings = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (settings is { Count: > 0 })
        {
            problem.Extensions["settings"] = settings;
        }

        return problem;
    }

    public static async Task WriteAsync(HttpContext http, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(problem.Status);
        var response = http.Response;
        response.StatusCode = problem.Status.Value;
        var service = http.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null &&
            await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).ConfigureAwait(false))
        {
            return;
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync($"{problem.Title}: {problem.Detail}\n", http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>404: no server of that name is hosted here.</summary>
    public static Task UnknownServerAsync(HttpContext http, string? name) => WriteAsync(http, Create(
        StatusCodes.Status404NotFound,
        UnknownServer,
        name is null ? "The request names no server." : $"No server named '{name}' is hosted here."));

    /// <summary>503: the server is hosted but not serving (being set up, started, or shut down).</summary>
    public static Task UnavailableAsync(HttpContext http, string name, Hosting.ServerState state)
    {
        var starting = state is Hosting.ServerState.Created or Hosting.ServerState.SettingUp or Hosting.ServerState.SetUp or Hosting.ServerState.Starting;
        return UnavailableAsync(http, starting ? $"Server '{name}' is starting." : $"Server '{name}' is not serving ({state}).");
    }

    /// <summary>503: the request's server shut down while the request ran, and its shutdown cancelled the request's work.</summary>
    public static Task StoppedAsync(HttpContext http, string name) =>
        UnavailableAsync(http, $"Server '{name}' shut down before the request could complete.");

    /// <summary>
    /// 503: the directory knows the server, but it cannot serve now: disabled (no <c>Retry-After</c>: asking again soon
    /// will not help), not provisioned yet, or its activation failed (<c>Retry-After</c> when it will be tried again).
    /// </summary>
    public static Task UnavailableAsync(HttpContext http, Hosting.ServerUnavailableException unavailable)
    {
        if (unavailable.RetryAfter is { } retry)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteAsync(http, Create(StatusCodes.Status503ServiceUnavailable, ServerUnavailable, unavailable.Message));
    }

    /// <summary>503: the whole service is stopping, so no server takes requests any more.</summary>
    public static Task ServiceStoppingAsync(HttpContext http) =>
        UnavailableAsync(http, "The service is stopping.");

    // Every 503 says when to retry, in a second: a server that is starting is soon up, and a service that is stopping is
    // soon back or, behind a load balancer, elsewhere.
    private static Task UnavailableAsync(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = "1";
        return WriteAsync(http, Create(StatusCodes.Status503ServiceUnavailable, ServerUnavailable, detail));
    }
}
