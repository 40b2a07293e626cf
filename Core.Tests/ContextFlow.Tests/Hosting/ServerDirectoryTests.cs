using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Hosting;

/// <summary>Activation on first use through a directory, its retry delays, and the release of idle servers.</summary>
public sealed class ServerDirectoryTests : HostingFixture
{
    private ServerHost _host = null!;
    private Directory _directory = null!;

    [SetUp]
    public async Task StartHost()
    {
        _host = new ServerHost(Signal);
        await _host.StartAsync();
        _directory = new Directory();
    }

    [TearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task ConcurrentFirstUses_ShareOneActivation()
    {
        _directory.Add("alpha");
        var setups = 0;
        var release = new TaskCompletionSource();
        Use(setup: async _ =>
        {
            Interlocked.Increment(ref setups);
            await release.Task;
        });

        var callers = Enumerable.Range(0, 50).Select(_ => _host.GetOrActivateAsync("ALPHA").AsTask()).ToArray();
        release.SetResult();
        var servers = await Task.WhenAll(callers);

        Assert.That(servers.Distinct().Count(), Is.EqualTo(1));
        Assert.That(servers[0]!.State, Is.EqualTo(ServerState.Running));
        Assert.That(setups, Is.EqualTo(1));
        Assert.That(await _host.GetOrActivateAsync("alpha"), Is.SameAs(servers[0]), "later uses find it hosted");
    }

    [Test]
    public async Task UnknownName_IsNull_DisabledServer_IsUnavailableWithoutRetryTime()
    {
        _directory.Add("off", enabled: false);
        Use();

        Assert.That(await _host.GetOrActivateAsync("nobody"), Is.Null);
        Assert.That(async () => await _host.GetOrActivateAsync("off"), Throws.InstanceOf<ServerUnavailableException>()
            .With.Property(nameof(ServerUnavailableException.RetryAfter)).Null);
        Assert.That(_host.Servers, Is.Empty);
    }

    [Test]
    public async Task FailingActivation_IsReportedToItsCallers_AndRetriedOnlyAfterAGrowingDelay()
    {
        _directory.Add("flaky");
        var attempts = 0;
        Use(setup: _ => Interlocked.Increment(ref attempts) < 3 ? throw new InvalidOperationException("database down") : Task.CompletedTask);

        var first = Assert.ThrowsAsync<ServerUnavailableException>(async () => await _host.GetOrActivateAsync("flaky"));
        Assert.That(first!.InnerException!.Message, Is.EqualTo("database down"));
        Assert.That(first.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.ThrowsAsync<ServerUnavailableException>(async () => await _host.GetOrActivateAsync("flaky"));
        Assert.That(attempts, Is.EqualTo(1), "within the delay, uses fail at once without trying again");

        Time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.ThrowsAsync<ServerUnavailableException>(async () => await _host.GetOrActivateAsync("flaky"));
        Assert.That((attempts, second!.RetryAfter), Is.EqualTo((2, TimeSpan.FromSeconds(2))), "the delay doubles");

        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(await _host.GetOrActivateAsync("flaky"), Is.Not.Null);
        Assert.That(attempts, Is.EqualTo(3));
        Assert.That(_host.Servers.Count, Is.EqualTo(1), "failed attempts left nothing in the host");
    }

    [Test]
    public void FailingActivation_RetryDelay_DoublesFromOneSecond_UpToOneMinute()
    {
        _directory.Add("down");
        Use(setup: _ => throw new InvalidOperationException("database down"));

        var delays = new System.Collections.Generic.List<TimeSpan?>();
        for (var i = 0; i < 8; i++)
        {
            var error = Assert.ThrowsAsync<ServerUnavailableException>(async () => await _host.GetOrActivateAsync("down"));
            delays.Add(error!.RetryAfter);
            Time.Advance(error.RetryAfter!.Value);
        }

        Assert.That(delays, Is.EqualTo(new[] { 1, 2, 4, 8, 16, 32, 60, 60 }.Select(s => (TimeSpan?)TimeSpan.FromSeconds(s))));
    }

    [Test]
    public async Task IdleServer_IsReleased_AndCollectable_WhileOneInUseIsNot_ThenNextUseActivatesANewOne()
    {
        _directory.Add("idle");
        _directory.Add("busy");
        Use(idle: TimeSpan.FromMinutes(1));
        var idle = (await _host.GetOrActivateAsync("idle"))!;
        var busy = (await _host.GetOrActivateAsync("busy"))!;
        var held = busy.KeepAlive();
        var tracked = Collectable.Track(idle);
        var instance = idle.InstanceId;
        idle = null!;

        for (var i = 0; i < 8; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(15));
        }

        await WaitUntilAsync(() => !_host.TryGetServer("idle", out _));
        Assert.That(_host.TryGetServer("busy", out var stillBusy) && stillBusy.State == ServerState.Running, "a server in use is kept");
        await Collectable.AssertCollectedAsync(tracked);

        held.Dispose();
        var again = (await _host.GetOrActivateAsync("idle"))!;
        Assert.That(again.InstanceId, Is.Not.EqualTo(instance));
        Assert.That(Log.Messages, Has.Some.StartsWith("Releasing server \"idle\""));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.That(i, Is.LessThan(3000), "in time");
            await Task.Yield();
            Thread.Sleep(1);
        }
    }

    private void Use(Func<CancellationToken, Task>? setup = null, TimeSpan? idle = null) =>
        _host.UseDirectory(_directory, (config, running) => new TestServer(config, Time, running) { Setup = setup is null ? null : (_, ct) => setup(ct) }, new ServerDirectoryOptions
        {
            ActivateOnFirstUse = true,
            IdleTimeout = idle ?? Timeout.InfiniteTimeSpan,
            TimeProvider = Time,
        });

    /// <summary>A directory in memory, as a database table would be.</summary>
    private sealed class Directory : IServerConfigProvider<TestConfig>
    {
        private readonly ConcurrentDictionary<string, bool> _servers = new(StringComparer.OrdinalIgnoreCase);

        public void Add(string name, bool enabled = true) => _servers[name] = enabled;

        public ValueTask<TestConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_servers.TryGetValue(serverName, out var enabled)
                ? new TestConfig { ServerName = serverName.ToLowerInvariant(), Enabled = enabled }
                : null);
    }
}
