using System.Linq;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests;

public sealed class AdminApiTests : WebFixture
{
    private TestApp _app = null!;

    [SetUp]
    public async Task StartApp()
    {
        _app = await TestApp.StartAsync(a =>
        {
            a.MapTestEndpoints();
            a.MapContextFlowAdmin<WebTestConfig>((config, running) => new WebTestServer(config, running));
        }, options: o => o.SampleInterval = System.TimeSpan.FromMilliseconds(100));
        await _app.ProvisionAsync("alpha.test", background: true);
    }

    [TearDown]
    public async Task StopApp() => await _app.DisposeAsync();

    [Test]
    public async Task List_ShowsEveryServerWithItsUsage()
    {
        await _app.GetAsync("alpha.test", "/db");
        await _app.GetAsync("alpha.test", "/db");
        await WaitAsync(async () => (await ListAsync()).GetProperty("servers")[0].GetProperty("history").GetProperty("requestsPerSecond").GetArrayLength() >= 1);

        var alpha = (await ListAsync()).GetProperty("servers").EnumerateArray().Single();

        Assert.Multiple(() =>
        {
            Assert.That(alpha.GetProperty("name").GetString(), Is.EqualTo("alpha.test"));
            Assert.That(alpha.GetProperty("state").GetString(), Is.EqualTo("Running"));
            Assert.That(alpha.GetProperty("requests").GetInt64(), Is.EqualTo(2));
            Assert.That(alpha.GetProperty("dbTransactions").GetInt64(), Is.EqualTo(2));
            Assert.That(alpha.GetProperty("dbMs").GetDouble(), Is.EqualTo(14).Within(0.01));
            Assert.That(alpha.GetProperty("rowsFetched").GetInt64(), Is.EqualTo(24));
            Assert.That(alpha.GetProperty("backgroundProcesses").GetInt32(), Is.EqualTo(1), "its background process is in flight");
        });
    }

    [Test]
    public async Task List_IsPaged_ByNameOrBusiestFirst_AndRefusesABadPage()
    {
        foreach (var i in Enumerable.Range(0, 30))
        {
            await _app.ProvisionAsync($"s{i:00}.test");
        }

        foreach (var _ in Enumerable.Range(0, 5))
        {
            await _app.GetAsync("s17.test", "/db");
        }

        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/_contextflow/servers?offset=5&limit=10&history=false");
        await WaitAsync(async () => (await _app.Client.GetFromJsonAsync<JsonElement>("/_contextflow/servers?sort=busiest&limit=1"))
            .GetProperty("servers")[0].GetProperty("name").GetString() == "s17.test");
        using var tooMany = await _app.Client.GetAsync("/_contextflow/servers?limit=5000");
        using var unknownSort = await _app.Client.GetAsync("/_contextflow/servers?sort=loudest");

        Assert.Multiple(() =>
        {
            Assert.That(page.GetProperty("total").GetInt32(), Is.EqualTo(31), "every hosted server is counted");
            Assert.That(page.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()),
                Is.EqualTo(Enumerable.Range(4, 10).Select(i => $"s{i:00}.test")), "after alpha.test and s00–s03, by name");
            Assert.That(page.GetProperty("servers")[0].GetProperty("history").GetProperty("requestsPerSecond").GetArrayLength(), Is.Zero,
                "no history when not asked for");
            Assert.That(((int)tooMany.StatusCode, (int)unknownSort.StatusCode), Is.EqualTo((400, 400)));
        });
    }

    [Test]
    public async Task Provision_StartsTheServer_WhichServesAtOnce()
    {
        using var created = await PostAsync("""{ "serverName": "delta.test", "maxRooms": 3 }""");
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var served = await _app.GetAsync("delta.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That((int)created.StatusCode, Is.EqualTo(201));
            Assert.That(created.Headers.Location?.OriginalString, Is.EqualTo("/_contextflow/servers/delta.test"));
            Assert.That(body.GetProperty("state").GetString(), Is.EqualTo("Running"));
            Assert.That(((WebTestServer)_app.Host.Servers.Single(s => s.ServerName == "delta.test")).Config.MaxRooms, Is.EqualTo(3));
            Assert.That((int)served.StatusCode, Is.EqualTo(200));
        });
    }

    [TestCase("""{ "serverName": "x.test", "maxRooms": 0 }""", "MaxRooms", TestName = "InvalidByValidate_Is400NamingTheSetting")]
    [TestCase("""{ "serverName": "has space" }""", "ServerName", TestName = "InvalidName_Is400NamingTheSetting")]
    [TestCase("""{ "maxRooms": 2 }""", "serverName", TestName = "MissingServerName_Is400NamingIt")]
    [TestCase("""{ "serverName": "x.test", "maxRooms": "many" }""", "maxRooms", TestName = "WrongType_Is400NamingTheSetting")]
    [TestCase("""{ "serverName": "x.test", "maxRoms": 2 }""", "maxRoms", TestName = "UnknownSetting_Is400NamingIt")]
    public async Task MalformedConfig_Is400NamingTheSetting_AndNothingIsProvisioned(string json, string setting)
    {
        using var response = await PostAsync(json);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(400));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("settings").EnumerateArray().Select(s => s.GetString()), Does.Contain(setting));
            Assert.That(_app.Host.Servers.Select(s => s.ServerName), Is.EqualTo(new[] { "alpha.test" }), "nothing half-provisioned");
            Assert.That(Log.Events.Where(e => e.Level >= LogEventLevel.Warning).Select(e => $"{e.Level} {e.Exception?.GetType().Name} {e.RenderMessage()}").ToArray(), Has.Length.EqualTo(1).And.All.StartsWith("Warning  "),
                "the client's mistake: one warning, without a stack trace");
        });
    }

    [Test]
    public async Task NotJson_Is400Or415()
    {
        using var broken = await PostAsync("{ not json");
        using var text = await _app.Client.PostAsync("/_contextflow/servers", new StringContent("serverName=x", Encoding.UTF8, "text/plain"));

        Assert.That(new[] { (int)broken.StatusCode, (int)text.StatusCode }, Is.EqualTo(new[] { 400, 415 }));
    }

    [Test]
    public async Task DuplicateName_Is409_AndTheHostedServerIsUntouched()
    {
        var alpha = _app.Host.Servers.Single();

        using var response = await PostAsync("""{ "serverName": "alpha.test" }""");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(409));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("alpha.test"));
            Assert.That(_app.Host.Servers.Single(), Is.SameAs(alpha));
            Assert.That(alpha.State, Is.EqualTo(ServerState.Running));
        });
    }

    [Test]
    public async Task Deprovision_RemovesTheServer()
    {
        using var deleted = await _app.Client.DeleteAsync("/_contextflow/servers/alpha.test");
        using var again = await _app.Client.DeleteAsync("/_contextflow/servers/alpha.test");
        using var request = await _app.GetAsync("alpha.test", "/whoami");

        Assert.Multiple(() =>
        {
            Assert.That((int)deleted.StatusCode, Is.EqualTo(204));
            Assert.That((int)again.StatusCode, Is.EqualTo(404));
            Assert.That((int)request.StatusCode, Is.EqualTo(404));
            Assert.That(_app.Host.Servers, Is.Empty);
        });
    }

    [Test]
    public async Task Dashboard_IsServedFromThePackage()
    {
        using var redirect = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress }.GetAsync("/_contextflow");
        var page = await _app.Client.GetStringAsync("/_contextflow/");
        using var script = await _app.Client.GetAsync("/_contextflow/dashboard.js");

        Assert.Multiple(async () =>
        {
            Assert.That((int)redirect.StatusCode, Is.EqualTo(302));
            Assert.That(redirect.Headers.Location?.OriginalString, Is.EqualTo("/_contextflow/"));
            Assert.That(page, Does.Contain("<script src=\"dashboard.js\">"));
            Assert.That(script.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(await script.Content.ReadAsStringAsync(), Does.Contain("fetch(`servers?sort=busiest&limit=${ROWS}`"), "it asks for one page of the busiest servers, never every server's history");
            Assert.That(await script.Content.ReadAsStringAsync(), Does.Contain("const ROWS = 50;"), "the 50 busiest");
        });
    }

    [Test]
    public async Task ServersBuiltFromTheContainer_GetTheirConfigRunningSignalAndServices()
    {
        var greeting = new Greeting("hello from the container");
        await using var app = await TestApp.StartAsync(
            a =>
            {
                a.UseContextFlow();
                a.MapContextFlowAdmin<WebTestConfig, ContainerBuiltServer>();
            },
            configure: b => b.Services.AddSingleton(greeting));

        using var created = await app.Client.PostAsync("/_contextflow/servers", new StringContent("""{ "serverName": "di.test", "maxRooms": 4 }""", Encoding.UTF8, "application/json"));
        var server = app.Host.Servers.OfType<ContainerBuiltServer>().Single();

        Assert.Multiple(() =>
        {
            Assert.That((int)created.StatusCode, Is.EqualTo(201));
            Assert.That(server.State, Is.EqualTo(ServerState.Running), "built with the host's running signal, so it started");
            Assert.That(server.Config.MaxRooms, Is.EqualTo(4));
            Assert.That(server.Greeting, Is.SameAs(greeting));
        });
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _app.Client.PostAsync("/_contextflow/servers", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<JsonElement> ListAsync() => await _app.Client.GetFromJsonAsync<JsonElement>("/_contextflow/servers");

    private static async Task WaitAsync(System.Func<Task<bool>> condition)
    {
        for (var i = 0; i < 500 && !await condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}

/// <summary>A service the container holds.</summary>
public sealed record Greeting(string Text);

/// <summary>A server whose constructor asks the container for a service.</summary>
public sealed class ContainerBuiltServer(WebTestConfig config, ContextFlow.Time.RunningSignal running, Greeting greeting) : Server(config, running: running)
{
    public WebTestConfig Config { get; } = config;

    public Greeting Greeting { get; } = greeting;
}
