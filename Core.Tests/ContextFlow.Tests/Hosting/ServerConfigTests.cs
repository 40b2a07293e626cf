using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace ContextFlow.Tests.Hosting;

/// <summary>Validation happens once, after every setting is read, and an invalid configuration never becomes a server.</summary>
public sealed class ServerConfigTests : HostingFixture
{
    [Test]
    public async Task Provision_ValidatesOnce_AndTheServerDoesNotValidateAgain()
    {
        await using var host = new ServerHost(Signal);
        var config = TestServer.Config("alpha");

        var server = await host.ProvisionAsync(config, (c, _) => new TestServer(c, Time, Signal));

        Assert.That(config.Validations, Is.EqualTo(1));
        Assert.That(server.ServerName, Is.EqualTo("alpha"));
    }

    [Test]
    public async Task CrossSettingError_NeverConstructsAServer_AndNamesEverySetting()
    {
        await using var host = new ServerHost(Signal);
        var config = new TestConfig { ServerName = "alpha", RegistrationEnabled = true };
        var factoryCalls = 0;

        var error = Assert.ThrowsAsync<ConfigException>(() =>
            host.ProvisionAsync(config, (c, _) =>
            {
                factoryCalls++;
                return new TestServer(c, Time, Signal);
            }));

        Assert.That(error!.Settings, Is.EqualTo(new[] { "registration.enabled", "registration.require_email", "registration.token" }));
        Assert.That(error.Message, Does.Contain("registration.enabled requires one of registration.require_email, registration.token"));
        Assert.That(factoryCalls, Is.Zero);
        Assert.That(host.Servers, Is.Empty);
        Assert.That(Log.Events.Where(e => e.RenderMessage().StartsWith("Refused to provision server", StringComparison.Ordinal))
            .Select(e => (e.Level, e.Exception)), Is.EqualTo(new[] { (LogEventLevel.Warning, (Exception?)null) }),
            "an invalid configuration is the caller's mistake: a warning naming it, no stack trace");
    }

    [Test]
    public void Constructor_ValidatesAnUnvalidatedConfig_AndKeepsTheOutcome()
    {
        var config = new TestConfig { ServerName = "alpha", RegistrationEnabled = true };

        Assert.That(() => new TestServer(config, Time, Signal), Throws.TypeOf<ConfigException>());
        Assert.That(() => new TestServer(config, Time, Signal), Throws.TypeOf<ConfigException>());
        Assert.That(config.Validations, Is.EqualTo(1), "the failure is remembered, not recomputed");
    }

    [TestCase("")]
    [TestCase("two words")]
    [TestCase("a/b")]
    [TestCase("a\\b")]
    [TestCase("tab\there")]
    public void BadServerName_IsRejected(string name)
    {
        var error = Assert.Throws<ConfigException>(() => new TestServer(TestServer.Config(name), Time, Signal));
        Assert.That(error!.Settings, Is.EqualTo(new[] { nameof(ServerConfig.ServerName) }));
    }

    [Test]
    public void ShutdownGracePeriod_MustBeFiniteAndNonNegative_OrInfinite()
    {
        Assert.That(() => new TestServer(TestServer.Config("a", TimeSpan.FromSeconds(-1)), Time, Signal),
            Throws.TypeOf<ConfigException>().With.Property(nameof(ConfigException.Settings)).EqualTo(new[] { nameof(ServerConfig.ShutdownGracePeriod) }));
        Assert.That(() => new TestServer(TestServer.Config("a", TimeSpan.FromDays(60)), Time, Signal),
            Throws.TypeOf<ConfigException>());
        Assert.That(() => new TestServer(TestServer.Config("a", Timeout.InfiniteTimeSpan), Time, Signal),
            Throws.Nothing);
    }

    [Test]
    public void ConfigException_RequiresNamedSettings()
    {
        Assert.That(() => new ConfigException("bad", Array.Empty<string>()), Throws.ArgumentException);
        Assert.That(() => new ConfigException("bad", "a", ""), Throws.ArgumentException);
        Assert.That(new ConfigException("bad").Settings, Is.Empty);
    }
}
