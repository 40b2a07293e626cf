using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Tasks;
using ContextFlow.Hosting;

namespace MultiServer;

/// <summary>
/// <c>--demo</c>: the sample drives itself over HTTP as a client would — requests to every server, a burst that the
/// rate limit answers with 429, a server provisioned and another deprovisioned through the admin API — then prints
/// what happened. Exits non-zero when anything did not go as expected.
/// </summary>
public static class Demo
{
    public static async Task<int> RunAsync(Uri address, ServerHost host, string logDirectory)
    {
        using var client = new HttpClient { BaseAddress = address };
        var failures = new List<string>();
        var requests = 0;

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string tenant, string path, object? body = null, HttpStatusCode? expect = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            if (tenant.Length > 0)
            {
                request.Headers.Host = tenant;
            }

            var response = await client.SendAsync(request);
            requests++;
            if (expect is { } expected && response.StatusCode != expected)
            {
                failures.Add($"{method} {tenant}{path}: {(int)response.StatusCode}, expected {(int)expected}");
            }

            return response;
        }

        foreach (var tenant in host.Servers.Select(s => s.ServerName).ToArray())
        {
            await SendAsync(HttpMethod.Post, tenant, "/rooms", new { name = "General" }, HttpStatusCode.Created);
            foreach (var text in new[] { "hello from " + tenant, "second message", "hello again" })
            {
                await SendAsync(HttpMethod.Post, tenant, "/rooms/general/messages", new { text, sender = "demo" }, HttpStatusCode.Created);
            }

            await SendAsync(HttpMethod.Get, tenant, "/rooms/general/messages", expect: HttpStatusCode.OK);
            await SendAsync(HttpMethod.Get, tenant, "/rooms", expect: HttpStatusCode.OK);
        }

        // More than the burst at once: the rate limit answers the rest with 429 and Retry-After.
        var burst = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => SendAsync(HttpMethod.Get, "alpha.localhost", "/")));
        var limited = burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var retryAfter = burst.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests)?.Headers.RetryAfter?.Delta;
        if (limited == 0 || retryAfter is null)
        {
            failures.Add($"the burst of 30 got {limited} answers 429 (Retry-After {retryAfter})");
        }

        await SendAsync(HttpMethod.Post, "", "/_contextflow/servers", new { serverName = "delta.localhost", maxRooms = 5 }, HttpStatusCode.Created);
        await SendAsync(HttpMethod.Post, "delta.localhost", "/rooms/lobby/messages", new { text = "delta is here" }, HttpStatusCode.Created);
        await SendAsync(HttpMethod.Post, "", "/_contextflow/servers", new { serverName = "delta.localhost" }, HttpStatusCode.Conflict);
        await SendAsync(HttpMethod.Post, "", "/_contextflow/servers", new { serverName = "epsilon.localhost", maxRooms = 0 }, HttpStatusCode.BadRequest);
        // delta is not in appsettings.json, so once deprovisioned no one knows it: 404.
        await SendAsync(HttpMethod.Delete, "", "/_contextflow/servers/delta.localhost", expect: HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Get, "delta.localhost", "/rooms", expect: HttpStatusCode.NotFound);
        await SendAsync(HttpMethod.Get, "gamma.localhost", "/search?q=hello", expect: HttpStatusCode.OK);

        var list = await client.GetFromJsonAsync<JsonElement>("/_contextflow/servers");
        Console.WriteLine();
        Console.WriteLine($"Demo: {requests} requests; {limited} of a burst of 30 answered 429 (Retry-After {retryAfter?.TotalSeconds} s);");
        Console.WriteLine("      provisioned delta.localhost, refused a duplicate (409) and a bad config (400), deprovisioned delta.localhost.");
        Console.WriteLine($"{"server",-18} {"state",-8} {"requests",8} {"cpu ms",8} {"db txns",8} {"db ms",8}");
        foreach (var server in list.GetProperty("servers").EnumerateArray())
        {
            Console.WriteLine($"{server.GetProperty("name").GetString(),-18} {server.GetProperty("state").GetString(),-8} " +
                $"{server.GetProperty("requests").GetInt64(),8} {server.GetProperty("cpuMs").GetDouble(),8:0.0} " +
                $"{server.GetProperty("dbTransactions").GetInt64(),8} {server.GetProperty("dbMs").GetDouble(),8:0.000}");
        }

        Console.WriteLine($"Log files in {logDirectory}:");
        foreach (var file in Directory.GetFiles(logDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            Console.WriteLine($"  {Path.GetFileName(file),-22} {ReadShared(file).Length,5} lines");
        }

        if (host.Servers.Count != 3)
        {
            failures.Add($"{host.Servers.Count} servers are hosted, expected the three of appsettings.json");
        }

        foreach (var failure in failures)
        {
            Console.WriteLine("FAILED: " + failure);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
