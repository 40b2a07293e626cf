using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Tests.Hosting;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests;

/// <summary>Servers from a real JSON file with reloadOnChange: started with the host, then following the file's edits.</summary>
public sealed class ConfiguredServersTests : WebFixture
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private string _directory = null!;
    private string _file = null!;

    [SetUp]
    public void CreateFile()
    {
        _directory = Directory.CreateTempSubdirectory("contextflow-config-").FullName;
        _file = Path.Combine(_directory, "servers.json");
    }

    [TearDown]
    public void RemoveFile() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task JsonFile_ServersStart_ThenAddChangeRemoveAndInvalidEditsApplyToTheirServerAlone()
    {
        Write(new { alpha = new { MaxRooms = 1 }, beta = new { MaxRooms = 2 }, gamma = new { MaxRooms = 3 } });
        await using var app = await StartAsync();
        var host = app.Services.GetRequiredService<ServerHost>();
        Assert.That(host.Servers.Select(s => (s.ServerName, s.State, Rooms(s))), Is.EqualTo(new[]
        {
            ("alpha", ServerState.Running, 1), ("beta", ServerState.Running, 2), ("gamma", ServerState.Running, 3),
        }));
        var instances = host.Servers.ToDictionary(s => s.ServerName, s => s.InstanceId);

        Write(new { alpha = new { MaxRooms = 1 }, beta = new { MaxRooms = 2 }, gamma = new { MaxRooms = 3 }, delta = new { MaxRooms = 4 } });
        var added = await EventuallyAsync(() => Find(host, "delta") is { State: ServerState.Running });
        TestContext.Out.WriteLine($"a server added to the file was running {added.TotalMilliseconds:0} ms after the write");
        Assert.That(added, Is.LessThan(TimeSpan.FromSeconds(2)), "provisioned within about a second of the write (the quiet period is 250 ms)");

        Write(new { alpha = new { MaxRooms = 1 }, beta = new { MaxRooms = 20 }, gamma = new { MaxRooms = 3 }, delta = new { MaxRooms = 4 } });
        await EventuallyAsync(() => Find(host, "beta") is { State: ServerState.Running } beta && Rooms(beta) == 20);
        Assert.That(Find(host, "beta")!.InstanceId, Is.Not.EqualTo(instances["beta"]), "the changed server restarted");
        Assert.That(new[] { "alpha", "gamma" }.Select(n => Find(host, n)!.InstanceId), Is.EqualTo(new[] { instances["alpha"], instances["gamma"] }),
            "the others kept their instances");

        var gamma = Collectable.Track(Find(host, "gamma")!);
        Write(new { alpha = new { MaxRooms = 1 }, beta = new { MaxRooms = 20 }, delta = new { MaxRooms = 4 } });
        await EventuallyAsync(() => Find(host, "gamma") is null);
        await Collectable.AssertCollectedAsync(gamma);

        var alpha = Find(host, "alpha")!.InstanceId;
        Write(new { alpha = new { MaxRooms = 0 }, beta = new { MaxRooms = 20 }, delta = new { MaxRooms = 4 } });
        await EventuallyAsync(() => Log.Messages.Any(m => m.StartsWith("Invalid configuration of server \"alpha\"", StringComparison.Ordinal)));
        Assert.That(Find(host, "alpha"), Is.Not.Null.And.Property(nameof(Server.InstanceId)).EqualTo(alpha), "the old instance keeps serving");
        Assert.That(Log.Messages.Single(m => m.StartsWith("Invalid configuration of server \"alpha\"", StringComparison.Ordinal)),
            Does.Contain("Servers:alpha:MaxRooms must be at least 1"), "the error names the configuration path");

        Write(new { alpha = new { MaxRooms = 1, Enabled = false }, beta = new { MaxRooms = 20 }, delta = new { MaxRooms = 4 } });
        await EventuallyAsync(() => Find(host, "alpha") is null);
        Assert.That(await host.GetOrActivateAsync("delta"), Is.Not.Null);
        Assert.That(async () => await host.GetOrActivateAsync("alpha"), Throws.InstanceOf<ServerUnavailableException>()
            .With.Property(nameof(ServerUnavailableException.RetryAfter)).Null, "a disabled server is known, and unavailable");
        Assert.That(await host.GetOrActivateAsync("omega"), Is.Null, "an unknown name is unknown");
    }

    [Test]
    public async Task InvalidServerAtStart_NeverStarts_TheOthersDo_AndTheErrorNamesTheSettingsPath()
    {
        Write(new { alpha = new { MaxRooms = 1 }, beta = new { MaxRooms = "many" }, gamma = new { MaxRoms = 3 } });
        await using var app = await StartAsync();
        var host = app.Services.GetRequiredService<ServerHost>();

        Assert.That(host.Servers.Select(s => s.ServerName), Is.EqualTo(new[] { "alpha" }));
        Assert.That(Log.Messages.Where(m => m.StartsWith("Invalid configuration", StringComparison.Ordinal)), Has.Some.Contains("Servers:beta:MaxRooms")
            .And.Some.Contains("MaxRoms"), "a value that does not parse and a misspelt key are both errors, each naming where it is");
        Assert.That(Log.Events.Where(e => e.RenderMessage().StartsWith("Invalid configuration", StringComparison.Ordinal)).Select(e => (e.Level, e.Exception)),
            Is.EqualTo(new[] { (LogEventLevel.Error, (Exception?)null), (LogEventLevel.Error, (Exception?)null) }), "at Error, without a stack trace");
    }

    [Test]
    public async Task EnvironmentVariables_ConfigureServersAsJsonDoes_EachNamedByItsKey()
    {
        var prefix = $"CFTEST{Guid.NewGuid():N}_";
        var variables = new[] { "ContextFlow__Servers__alpha.example__MaxRooms", "ContextFlow__Servers__beta.example__ServerName" };
        Environment.SetEnvironmentVariable(prefix + variables[0], "80");
        Environment.SetEnvironmentVariable(prefix + variables[1], "other.example");
        try
        {
            Write(new { gamma = new { MaxRooms = 3 } });
            await using var app = await StartAsync(configuration => configuration.AddEnvironmentVariables(prefix));
            var host = app.Services.GetRequiredService<ServerHost>();

            Assert.That(host.Servers.Select(s => (s.ServerName, Rooms(s))), Is.EqualTo(new[] { ("alpha.example", 80), ("gamma", 3) }));
            Assert.That(Log.Messages.Where(m => m.StartsWith("Invalid configuration of server \"beta.example\"", StringComparison.Ordinal)),
                Has.One.Contains("ContextFlow:Servers:beta.example:ServerName is 'other.example'"), "a server is named by its key; a ServerName that disagrees is an error");
        }
        finally
        {
            foreach (var variable in variables)
            {
                Environment.SetEnvironmentVariable(prefix + variable, null);
            }
        }
    }

    [Test]
    public async Task BurstOfWrites_IsAppliedOnce()
    {
        Write(new { alpha = new { MaxRooms = 1 } });
        await using var app = await StartAsync();
        var host = app.Services.GetRequiredService<ServerHost>();
        var provisioned = 0;
        host.ServerProvisioned += (_, _) => provisioned++;

        for (var rooms = 2; rooms <= 6; rooms++)
        {
            Write(new { alpha = new { MaxRooms = rooms } });
        }

        await EventuallyAsync(() => Find(host, "alpha") is { State: ServerState.Running } alpha && Rooms(alpha) == 6);
        await Task.Delay(ConfiguredServers<WebTestConfig, WebTestServer>.ReloadDelay * 4);
        Assert.That(provisioned, Is.EqualTo(1), "five writes in a row restart the server once, with the last content");
    }

    private static int Rooms(Server server) => ((WebTestServer)server).Config.MaxRooms;

    private static Server? Find(ServerHost host, string name) => host.TryGetServer(name, out var server) ? server : null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<TimeSpan> EventuallyAsync(Func<bool> condition)
    {
        var started = DateTime.UtcNow;
        while (!condition())
        {
            if (DateTime.UtcNow - started > Settle)
            {
                Assert.Fail("the configuration change was not applied in time");
            }

            await Task.Delay(10);
        }

        return DateTime.UtcNow - started;
    }

    private void Write(object servers)
    {
        var json = JsonSerializer.Serialize(new { ContextFlow = new { Servers = servers } });
        var temporary = _file + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, _file, overwrite: true);
    }

    private async Task<RunningHost> StartAsync(Action<IConfigurationBuilder>? configure = null)
    {
        var running = new RunningSignal();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddJsonFile(_file, optional: false, reloadOnChange: true);
        configure?.Invoke(builder.Configuration);
        builder.Services.AddSerilog();
        builder.Services.AddContextFlow(o => o.Running = running);
        builder.Services.AddServersFromConfiguration<WebTestConfig, WebTestServer>(builder.Configuration.GetSection("ContextFlow:Servers"));
        var app = builder.Build();
        await app.StartAsync();
        return new RunningHost(app);
    }

    /// <summary>A started host that is stopped, then disposed, at the end of the test.</summary>
    private sealed class RunningHost(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
