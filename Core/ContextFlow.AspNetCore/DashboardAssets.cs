using System;
using System.IO;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The dashboard: one HTML page and one script, embedded in this assembly and served as they are (no front-end
/// build, nothing on disk). The page polls <c>servers</c> and draws each server's recent rates as sparklines.
/// </summary>
internal static class DashboardAssets
{
    private const string Prefix = "ContextFlow.AspNetCore.Dashboard.";
    private const string CacheControl = "no-cache";

    private static readonly Lazy<byte[]> s_page = new(() => Read("index.html"));
    private static readonly Lazy<byte[]> s_script = new(() => Read("dashboard.js"));

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", (HttpContext http) =>
        {
            // The page's links are relative: it must be served from the folder, with its slash.
            if (!http.Request.Path.HasValue || !http.Request.Path.Value.EndsWith('/'))
            {
                return Results.Redirect(string.Concat(http.Request.PathBase.Value, http.Request.Path.Value, "/"));
            }

            return Asset(http, s_page.Value, "text/html; charset=utf-8");
        });
        group.MapGet("/dashboard.js", (HttpContext http) => Asset(http, s_script.Value, "text/javascript; charset=utf-8"));
    }

    private static IResult Asset(HttpContext http, byte[] content, string contentType)
    {
        http.Response.Headers.CacheControl = CacheControl;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(content, contentType);
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
