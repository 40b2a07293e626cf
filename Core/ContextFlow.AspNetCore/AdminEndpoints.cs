using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ContextFlow.Hosting;
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

    public static Ok<ServerList> List(TenantRegistry registry) => TypedResults.Ok(new ServerList(
        registry.Options.SampleInterval.TotalSeconds,
        LoggingContext.TrackCpuTime,
        [.. registry.Host.Servers.Select(s => ServerSummary.Of(s, registry))]));

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
        HttpContext http, TenantRegistry registry, Func<TConfig, Server> factory)
        where TConfig : ServerConfig
    {
        TConfig? config;
        try
        {
            config = await http.Request.ReadFromJsonAsync<TConfig>(s_configJson, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid server configuration", ex.Message, SettingsOf(ex));
        }
        catch (InvalidOperationException ex) when (!http.Request.HasJsonContentType())
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", ex.Message);
        }

        if (config is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid server configuration", "The body must be a JSON object.");
        }

        try
        {
            var server = await registry.Host.ProvisionAsync(config, (c, _) => factory(c), http.RequestAborted).ConfigureAwait(false);
            InAdminContext(server.ServerName, "Provisioned server {ServerName} through the admin API");
            return TypedResults.Created($"{ContextFlowOptions.AdminPathPrefix}/servers/{Uri.EscapeDataString(server.ServerName)}", ServerSummary.Of(server, registry));
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
