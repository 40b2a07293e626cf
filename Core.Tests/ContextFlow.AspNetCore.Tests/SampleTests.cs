using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>The README's main command, run as a new user would: the demo, the service with Ctrl+C, the dashboard.</summary>
[NonParallelizable]
public sealed class SampleTests
{
    private string _logs = null!;

    [SetUp]
    public void CreateLogDirectory() => _logs = Directory.CreateTempSubdirectory("contextflow-sample-").FullName;

    [TearDown]
    public void DeleteLogDirectory() => Directory.Delete(_logs, recursive: true);

    [Test]
    public async Task Demo_DrivesItself_AndEachServerHasItsOwnLogFile()
    {
        using var sample = SampleProcess.Start($"--demo --port 0 --logs \"{_logs}\"");

        Assert.That(await sample.WaitForExitAsync(TimeSpan.FromMinutes(2)), "the demo ends by itself");
        var output = sample.Output;
        Assert.Multiple(() =>
        {
            Assert.That(sample.ExitCode, Is.Zero, output);
            Assert.That(output, Does.Not.Contain("FAILED"));
            Assert.That(output, Does.Match(@"Demo: \d+ requests; [1-9]\d* of a burst of 30 answered 429"));
            Assert.That(output, Does.Contain("Stopped: every server shut down cleanly."));
            Assert.That(Directory.GetFiles(_logs).Select(Path.GetFileName), Is.EquivalentTo(new[]
            {
                "alpha.localhost.log", "beta.localhost.log", "gamma.localhost.log", "delta.localhost.log",
            }), "one file per server that lived, none for the refused configuration");
        });

        foreach (var server in new[] { "alpha", "beta", "gamma", "delta" })
        {
            var lines = File.ReadAllLines(Path.Combine(_logs, $"{server}.localhost.log"));
            Assert.Multiple(() =>
            {
                Assert.That(lines[0], Does.Contain($"setup ContextFlow.Hosting.Server: Setting up server {server}.localhost"));
                Assert.That(lines, Has.Some.Contains("Processed request:"), $"{server} has access lines");
                Assert.That(lines.Last(), Does.Match($@"shutdown ContextFlow.Hosting.Server: Server {server}\.localhost \(\w+\) shut down in"), "the file ends with its shutdown");
                Assert.That(lines.Where(l => Regex.IsMatch(l, @"\b(alpha|beta|gamma|delta)\.localhost") && !l.Contains($"{server}.localhost", StringComparison.Ordinal)),
                    Is.Empty, "no other server's lines");
            });
        }

        Assert.That(File.ReadAllLines(Path.Combine(_logs, "alpha.localhost.log")), Has.Some.Match(@"Processed request: GET / 429 \d+B"));
    }

    [Test]
    public async Task DemoOnPostgres_KeepsTheRoomsInPostgreSQL_AndTheAccessLinesShowTheTransactions()
    {
        await ContextFlow.Npgsql.Tests.Support.TestDatabase.EnsureAvailableAsync();
        using var sample = SampleProcess.Start(
            $"--demo --port 0 --logs \"{_logs}\" --postgres \"{ContextFlow.Npgsql.Tests.Support.TestDatabase.ConnectionString}\"");

        Assert.That(await sample.WaitForExitAsync(TimeSpan.FromMinutes(2)), "the demo ends by itself");
        var gamma = File.ReadAllLines(Path.Combine(_logs, "gamma.localhost.log"));
        Assert.Multiple(() =>
        {
            Assert.That(sample.ExitCode, Is.Zero, sample.Output);
            Assert.That(sample.Output, Does.Not.Contain("FAILED"));
            Assert.That(gamma, Has.Some.Contains("Keeping up to 50 rooms in PostgreSQL"));
            Assert.That(gamma, Has.Some.Match(@"Processed request: POST /rooms/general/messages 201 \d+B .* db 1txn [0-9.]+ms wait [0-9.]+ms rows 2 "),
                "a post is one interaction: the room check and the insert's returned row");
        });
    }

    [Test]
    public async Task Service_AnswersTheCurlLines_AndCtrlCShutsEveryServerDown()
    {
        using var sample = SampleProcess.Start($"--port 0 --logs \"{_logs}\"");
        var address = await sample.AddressAsync();
        using var client = new HttpClient { BaseAddress = address };

        // The printed curl lines, by Host header (curl resolves *.localhost to 127.0.0.1 itself).
        using var rooms = new HttpRequestMessage(HttpMethod.Get, "/rooms") { Headers = { Host = $"alpha.localhost:{address.Port}" } };
        using var roomsResponse = await client.SendAsync(rooms);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/rooms/lobby/messages")
        {
            Headers = { Host = $"beta.localhost:{address.Port}" },
            Content = new StringContent("""{"text":"hello beta"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var postResponse = await client.SendAsync(post);
        using var info = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "gamma.localhost" } };
        using var infoResponse = await client.SendAsync(info);

        sample.Interrupt();
        Assert.That(await sample.WaitForExitAsync(TimeSpan.FromSeconds(60)), "Ctrl+C ends the process");
        var output = sample.Output;
        Assert.Multiple(async () =>
        {
            Assert.That(output, Does.Contain($"curl http://alpha.localhost:{address.Port}/rooms"));
            Assert.That((int)roomsResponse.StatusCode, Is.EqualTo(200));
            Assert.That(await roomsResponse.Content.ReadAsStringAsync(), Does.Contain("\"lobby\""));
            Assert.That((int)postResponse.StatusCode, Is.EqualTo(201));
            Assert.That(await infoResponse.Content.ReadAsStringAsync(), Does.Contain("\"server\":\"gamma.localhost\""));
            Assert.That(sample.ExitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("All 3 servers shut down"));
            Assert.That(output, Does.Contain("Stopped: every server shut down cleanly."));
        });
    }

    [Test]
    public async Task Service_TakesItsServersFromAppsettings_AndAnEditToTheFileAddsChangesAndRemovesThemLive()
    {
        // A copy of the sample's appsettings.json, so the edits below leave the checked-in one alone.
        var root = Directory.CreateTempSubdirectory("contextflow-sample-root-").FullName;
        try
        {
            var settings = Path.Combine(root, "appsettings.json");
            File.Copy(Path.Combine(SampleProcess.SampleDirectory, "appsettings.json"), settings);
            using var sample = SampleProcess.Start($"--port 0 --logs \"{_logs}\"", root);
            var address = await sample.AddressAsync();
            using var client = new HttpClient { BaseAddress = address };

            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(settings))!;
            var servers = json["ContextFlow"]!["Servers"]!.AsObject();
            servers.Add("zeta.localhost", new System.Text.Json.Nodes.JsonObject { ["MaxRooms"] = 3 });
            servers.Remove("beta.localhost");
            servers["gamma.localhost"]!["MaxRooms"] = 7;
            File.WriteAllText(settings, json.ToJsonString());

            async Task<(int Status, string Body)> GetAsync(string tenant)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = tenant } };
                using var response = await client.SendAsync(request);
                return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
            }

            (int Status, string Body) zeta = default, beta = default, gamma = default;
            for (var wait = System.Diagnostics.Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
            {
                (zeta, beta, gamma) = (await GetAsync("zeta.localhost"), await GetAsync("beta.localhost"), await GetAsync("gamma.localhost"));
                if (zeta.Status == 200 && beta.Status == 404 && gamma.Body.Contains("\"maxRooms\":7", StringComparison.Ordinal))
                {
                    break;
                }
            }

            var alpha = await GetAsync("alpha.localhost");
            sample.Interrupt();
            Assert.That(await sample.WaitForExitAsync(TimeSpan.FromSeconds(60)), "Ctrl+C ends the process");
            Assert.Multiple(() =>
            {
                Assert.That(sample.Output, Does.Contain("3 servers on").And.Contain("alpha.localhost, beta.localhost, gamma.localhost"));
                Assert.That(zeta, Is.EqualTo((200, zeta.Body)), "the added server serves");
                Assert.That(zeta.Body, Does.Contain("\"maxRooms\":3"));
                Assert.That(beta.Status, Is.EqualTo(404), "the removed server is gone");
                Assert.That(gamma.Body, Does.Contain("\"maxRooms\":7"), "the changed server runs with its new settings");
                Assert.That(alpha.Status, Is.EqualTo(200), "the untouched server serves on");
                Assert.That(sample.Output, Does.Contain("Server zeta.localhost").And.Contain("provisioned from the configuration"));
                Assert.That(sample.ExitCode, Is.Zero, sample.Output);
                Assert.That(sample.Output, Does.Contain("Stopped: every server shut down cleanly."));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task Dashboard_InChromium_ListsTheServersAndTheirFigures()
    {
        using var sample = SampleProcess.Start($"--port 0 --logs \"{_logs}\"");
        var address = await sample.AddressAsync();
        using var client = new HttpClient { BaseAddress = address };

        // Traffic over a few sample intervals before and while the browser looks, so each server has rates to draw.
        using var stop = new System.Threading.CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var tenant in new[] { "alpha.localhost", "beta.localhost", "gamma.localhost" })
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/rooms") { Headers = { Host = tenant } };
                    (await client.SendAsync(request)).Dispose();
                }

                await Task.Delay(20);
            }
        });
        // Until every server has a few rates to draw (samples every 2 s; a loaded machine may take longer).
        for (var wait = System.Diagnostics.Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            var list = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/_contextflow/servers");
            if (list.GetProperty("servers").EnumerateArray().All(s => s.GetProperty("history").GetProperty("requestsPerSecond").GetArrayLength() >= 3))
            {
                break;
            }
        }

        var page = new Uri(address, "/_contextflow/");
        var dom = await Chromium.DumpDomAsync(page, TimeSpan.FromSeconds(5));
        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TestResults", "dashboard.png");
        await Chromium.ScreenshotAsync(page, TimeSpan.FromSeconds(5), screenshot);
        TestContext.AddTestAttachment(screenshot, "The dashboard against the running sample");
        await stop.CancelAsync();
        await traffic;
        sample.Interrupt();
        await sample.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(dom, Does.Contain("data-loaded=\"true\""), "the script loaded the servers");
            Assert.That(dom, Does.Contain("3 servers · CPU tracking on"));
            foreach (var tenant in new[] { "alpha.localhost", "beta.localhost", "gamma.localhost" })
            {
                var row = Regex.Match(dom, $"<tr data-server=\"{Regex.Escape(tenant)}\">(.*?)</tr>", RegexOptions.Singleline);
                Assert.That(row.Success, $"{tenant} is listed");
                Assert.That(Regex.Match(row.Groups[1].Value, "class=\"num requests\">(\\d+)<").Groups[1].Value, Does.Match("^[1-9]\\d*$"), $"{tenant} shows its requests");
                Assert.That(row.Groups[1].Value, Does.Contain("<polyline"), $"{tenant} has a sparkline");
                Assert.That(dom, Does.Contain($"<li data-server=\"{tenant}\">"), $"{tenant} is ranked among the top servers");
            }
        });
    }
}
