using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.AspNetCore.Tests.Support;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Serilog;
using Serilog.Core;

namespace ContextFlow.AspNetCore.Tests;

public sealed class ServerFilesTests : WebFixture
{
    private string _directory = null!;
    private RunningSignal _running = null!;
    private ServerHost _host = null!;
    private Logger _logger = null!;

    [SetUp]
    public async Task CreateHostAndLogger()
    {
        _directory = Path.Combine(Path.GetTempPath(), "contextflow-files-" + Guid.NewGuid().ToString("N"));
        _running = new RunningSignal();
        _host = new ServerHost(_running);
        _logger = new LoggerConfiguration().Enrich.FromLoggingContext().WriteTo.ServerFiles(_directory, "{Request} {Message:lj}{NewLine}").CreateLogger();
        global::Serilog.Log.Logger = _logger;
        await _host.StartAsync();
    }

    [TearDown]
    public async Task ShutDown()
    {
        await _host.DisposeAsync();
        await _logger.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task EachServersEvents_GoToItsOwnFile_AndNothingElseDoes()
    {
        await ProvisionAsync("alpha.test");
        await ProvisionAsync("beta.test");

        InContext("GET-1", "alpha.test", "alpha says hi");
        InContext("GET-1", "beta.test", "beta says hi");
        InContext("GET-2", "unhosted.test", "nobody hosts me");
        global::Serilog.Log.Information("from the sentinel");
        await _host.ShutdownAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFiles(_directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "alpha.test.log", "beta.test.log" }));
            Assert.That(Lines("alpha.test"), Has.Some.EqualTo("GET-1 alpha says hi").And.None.Contains("beta"));
            Assert.That(Lines("beta.test"), Has.Some.EqualTo("GET-1 beta says hi").And.None.Contains("alpha"));
            Assert.That(Lines("alpha.test"), Has.Some.StartsWith("setup Setting up server"), "the server's own lifecycle lines are in its file");
        });
    }

    [Test]
    public async Task AServerNamedInTheMessage_DecidesTheFileInTheSentinel_ButNotInsideAnotherServersContext()
    {
        await ProvisionAsync("alpha.test");
        await ProvisionAsync("beta.test");

        global::Serilog.Log.Information("about {ServerName} from the sentinel", "alpha.test");
        global::Serilog.Log.Information("about {RequestedServer} from the sentinel", "beta.test");
        using (new LoggingContext("GET-1", "beta.test").Enter())
        {
            global::Serilog.Log.Information("beta mentions {ServerName}", "alpha.test");
        }

        await _host.ShutdownAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Lines("alpha.test"), Has.One.EqualTo("sentinel about alpha.test from the sentinel"),
                "in the sentinel the event's own ServerName decides");
            Assert.That(Lines("beta.test"), Has.None.Contains("from the sentinel"), "another property name routes nowhere");
            Assert.That(Lines("beta.test"), Has.One.EqualTo("GET-1 beta mentions beta.test"),
                "inside a server's context the context's server is the event's ServerName");
            Assert.That(Lines("alpha.test"), Has.None.Contains("beta mentions"));
        });
    }

    [Test]
    public async Task DeprovisionedServer_ItsFileIsClosed_AndLateEventsDoNotReopenIt()
    {
        var alpha = await ProvisionAsync("alpha.test");
        await ProvisionAsync("beta.test");
        InContext("GET-1", "alpha.test", "before");
        var file = Path.Combine(_directory, "alpha.test.log");
        var openBefore = OpenFiles.IsOpen(file);

        await _host.DeprovisionAsync("alpha.test");
        using (alpha.Totals.CreateNested("late").Enter())
        {
            global::Serilog.Log.Information("after");
        }

        InContext("GET-1", "beta.test", "beta goes on");
        Assert.Multiple(() =>
        {
            Assert.That(openBefore, "open while the server runs");
            Assert.That(OpenFiles.IsOpen(file), Is.False, "closed once the server has shut down");
            Assert.That(Lines("alpha.test"), Has.Some.Contains("shut down in").And.None.Contains("after"));
            Assert.That(OpenFiles.IsOpen(Path.Combine(_directory, "beta.test.log")), "the others stay open");
        });
    }

    [Test]
    public async Task ServerProvisionedAgain_AppendsToItsFile()
    {
        await ProvisionAsync("alpha.test");
        InContext("GET-1", "alpha.test", "first life");
        await _host.DeprovisionAsync("alpha.test");

        await ProvisionAsync("alpha.test");
        InContext("GET-1", "alpha.test", "second life");
        await _host.DeprovisionAsync("alpha.test");

        Assert.That(Lines("alpha.test").Where(l => l.Contains("life", StringComparison.Ordinal)), Is.EqualTo(new[] { "GET-1 first life", "GET-1 second life" }));
    }

    [Test]
    public async Task ServerOfNoHost_GetsItsFile_ClosedAtItsShutdown()
    {
        var server = new WebTestServer(new WebTestConfig { ServerName = "own.test" }, _running);
        await server.SetupAsync();
        InContext("GET-1", "own.test", "built by hand");
        var file = Path.Combine(_directory, "own.test.log");
        var openBefore = OpenFiles.IsOpen(file);

        await server.ShutdownAsync();

        Assert.That((openBefore, OpenFiles.IsOpen(file)), Is.EqualTo((true, false)));
        Assert.That(Lines("own.test"), Has.Some.EqualTo("GET-1 built by hand").And.Some.Contains("shut down in"));
    }

    [Test]
    public async Task NameInAnotherCase_IsTheSameServer_OneFile()
    {
        await ProvisionAsync("Alpha.Test");
        InContext("GET-1", "alpha.test", "lower");
        InContext("GET-2", "ALPHA.TEST", "upper");

        Assert.That(Directory.GetFiles(_directory).Select(Path.GetFileName), Is.EqualTo(new[] { "Alpha.Test.log" }));
        Assert.That(Lines("Alpha.Test"), Has.Some.EqualTo("GET-1 lower").And.Some.EqualTo("GET-2 upper"));
    }

    [Test]
    public async Task Restart_KeepsTheFileOpen_WhileEitherInstanceLives()
    {
        await ProvisionAsync("alpha.test");
        var file = Path.Combine(_directory, "alpha.test.log");
        InContext("GET-1", "alpha.test", "old instance");

        await _host.RestartAsync(new WebTestConfig { ServerName = "alpha.test", MaxRooms = 2 }, (c, running) => new WebTestServer(c, running));
        InContext("GET-2", "alpha.test", "new instance");

        Assert.That(OpenFiles.IsOpen(file), "the new instance still writes to it");
        Assert.That(Lines("alpha.test").Where(l => l.Contains("instance", StringComparison.Ordinal)), Is.EqualTo(new[] { "GET-1 old instance", "GET-2 new instance" }));
    }

    [Test]
    public void Arguments_AreChecked()
    {
        var writeTo = new LoggerConfiguration().WriteTo;
        Assert.Multiple(() =>
        {
            Assert.That(() => writeTo.ServerFiles((string)null!), Throws.ArgumentNullException);
            Assert.That(() => writeTo.ServerFiles("logs", outputTemplate: null!), Throws.ArgumentNullException);
            Assert.That(() => writeTo.ServerFiles((Action<string, global::Serilog.Configuration.LoggerSinkConfiguration>)null!), Throws.ArgumentNullException);
        });
    }

    private Task<WebTestServer> ProvisionAsync(string name) =>
        _host.ProvisionAsync(new WebTestConfig { ServerName = name }, (c, _) => new WebTestServer(c, _running));

    private static void InContext(string name, string server, string message)
    {
        using (new LoggingContext(name, server).Enter())
        {
            global::Serilog.Log.Information(message);
        }
    }

    private string[] Lines(string server)
    {
        // The file sink shares the file for reading while it is open.
        using var stream = new FileStream(Path.Combine(_directory, server + ".log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
