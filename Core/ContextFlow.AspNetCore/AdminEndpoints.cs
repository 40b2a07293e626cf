using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Serilog;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The admin API under <c>/_contextflow/servers</c>: list the servers with their usage, provision one from a JSON
/// configuration, deprovision one. Errors are problem details naming what was wrong; a refused provisioning leaves
/// nothing behind (the host shuts a half-provisioned server down).
/// </summary>
internal static partial class AdminEndpoints
{
    private static readonly JsonSerializerOptions s_configJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>How many servers a page lists unless asked, and at most.</summary>
    internal const int DefaultLimit = 100;
    internal const int MaxLimit = 1000;

    /// <summary>
    /// One page of the hosted servers, by name or busiest first (CPU and database time over the last minute, then
    /// requests): the cost is one summary per server on the page, whatever the number hosted.
    /// </summary>
    public static Results<Ok<ServerList>, ProblemHttpResult> List(TenantRegistry registry, int? offset, int? limit, string? sort, bool? history)
    {
        var take = limit ?? DefaultLimit;
        var skip = offset ?? 0;
        if (take is < 1 or > MaxLimit || skip < 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid page",
                $"'limit' must be between 1 and {MaxLimit} and 'offset' zero or more; they are {take} and {skip}.", [take is < 1 or > MaxLimit ? "limit" : "offset"]);
        }

        var servers = registry.Host.Servers;
        IEnumerable<Server> ordered;
        switch (sort)
        {
            case null or "name":
                ordered = servers;
                break;
            case "busiest":
                var perMinute = Math.Max(1, (int)Math.Round(60 / registry.Options.SampleInterval.TotalSeconds));
                ordered = servers
                    .Select(s => (Server: s, Rates: registry.Peek(s)?.History.Recent(perMinute) ?? (0, 0)))
                    .OrderByDescending(s => s.Rates.BusyMsPerSecond)
                    .ThenByDescending(s => s.Rates.RequestsPerSecond)
                    .Select(s => s.Server);
                break;
            default:
                return Problem(StatusCodes.Status400BadRequest, "Invalid sort", $"'sort' is 'name' or 'busiest', not '{sort}'.", ["sort"]);
        }

        return TypedResults.Ok(new ServerList(
            registry.Options.SampleInterval.TotalSeconds,
            LoggingContext.TrackCpuTime,
            servers.Count,
            skip,
            take,
            [.. ordered.Skip(skip).Take(take).Select(s => ServerSummary.Of(s, registry, history ?? true))]));
    }

    public static Results<Ok<ServerSummary>, ProblemHttpResult> Get(string name, TenantRegistry registry) =>
        registry.Host.TryGetServer(name, out var server)
            ? TypedResults.Ok(ServerSummary.Of(server, registry))
            : Problem(StatusCodes.Status404NotFound, Problems.UnknownServer, $"No server named '{name}' is hosted here.");

    public static async Task<Results<NoContent, ProblemHttpResult>> DeprovisionAsync(string name, TenantRegistry registry)
    {
        if (!await registry.Host.DeprovisionAsync(name).ConfigureAwait(false))
        {
            return Problem(StatusCodes.Status404NotFound, Problems.UnknownServer, $"No server named '{name}' is hosted here.");
        }

        InAdminContext(name, "Deprovisioned server {ServerName} through the admin API");
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<ServerSummary>, ProblemHttpResult>> ProvisionAsync<TConfig>(
        HttpContext http, TenantRegistry registry, Func<TConfig, RunningSignal, Server> factory)
        where TConfig : ServerConfig
    {
        TConfig? config;
        try
        {
            config = await http.Request.ReadFromJsonAsync<TConfig>(s_configJson, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Refused(StatusCodes.Status400BadRequest, "Invalid server configuration", ex.Message, SettingsOf(ex));
        }
        catch (InvalidOperationException ex) when (!http.Request.HasJsonContentType())
        {
            return Refused(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", ex.Message);
        }

        if (config is null)
        {
            return Refused(StatusCodes.Status400BadRequest, "Invalid server configuration", "The body must be a JSON object.");
        }

        try
        {
            var server = await registry.Host.ProvisionAsync(config, factory, http.RequestAborted).ConfigureAwait(false);
            InAdminContext(server.ServerName, "Provisioned server {ServerName} through the admin API");
            var location = string.Concat(http.Request.PathBase.Value, http.Request.Path.Value?.TrimEnd('/'), "/", Uri.EscapeDataString(server.ServerName));
            return TypedResults.Created(location, ServerSummary.Of(server, registry));
        }
        catch (ConfigException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid server configuration", ex.Message, ex.Settings);
        }
        catch (ServerAlreadyHostedException ex)
        {
            return Problem(StatusCodes.Status409Conflict, "Server already hosted", ex.Message, [nameof(ServerConfig.ServerName)]);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Setup or start failed (logged in the server's context), or the host is shutting down.
            return Problem(StatusCodes.Status500InternalServerError, "Provisioning failed", $"Server '{config.ServerName}' was not provisioned: {ex.Message}");
        }
    }

    // In a context of the server concerned, so the line reads as that server's (and lands in its log file).
    private static void InAdminContext(string serverName, string messageTemplate)
    {
        using (new LoggingContext("admin", serverName).Enter())
        {
            Log.ForContext(typeof(AdminEndpoints)).Information(messageTemplate, serverName);
        }
    }

    // A client's malformed request, refused before any server exists: the client's mistake, so a warning that says what
    // was wrong, without a stack trace (ServerHost logs a configuration that fails validation the same way).
    private static ProblemHttpResult Refused(int status, string title, string detail, IReadOnlyList<string>? settings = null)
    {
        Log.ForContext(typeof(AdminEndpoints)).Warning("Refused to provision a server through the admin API: {Reason}", detail);
        return Problem(status, title, detail, settings);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, IReadOnlyList<string>? settings = null) =>
        TypedResults.Problem(Problems.Create(status, title, detail, settings));

    /// <summary>The settings a JSON error is about: the member at its path, or those its message quotes.</summary>
    private static string[] SettingsOf(JsonException ex)
    {
        if (ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            return [path[2..]];
        }

        return [.. QuotedName().Matches(ex.Message).Select(m => m.Groups[1].Value).Where(n => !n.Contains('.', StringComparison.Ordinal)).Distinct()];
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
