using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ContextFlow.Analyzers.Tests.Support;

namespace ContextFlow.Analyzers.Tests.Packaging;

/// <summary>
/// Packs ContextFlow, ContextFlow.AspNetCore, ContextFlow.Npgsql and ContextFlow.Orleans into a folder feed, restores
/// them into throwaway consumer projects and builds those: what a user gets from the NuGet packages, analyzers
/// included, also through the web package alone, and what one <c>dotnet format</c> run fixes.
/// </summary>
[NonParallelizable]
public sealed class PackageTests
{
    private const string ConsumerProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <RestorePackagesPath>packages</RestorePackagesPath>
          </PropertyGroup>
          <ItemGroup>
        PACKAGES
          </ItemGroup>
        </Project>
        """;

    // A web consumer that references ContextFlow.AspNetCore only.
    private const string WebSource = """
        using ContextFlow.Hosting;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        namespace Consumer;

        public static class Web
        {
            public static WebApplication Build(string[] args)
            {
                var builder = WebApplication.CreateSlimBuilder(args);
                builder.Services.AddContextFlow();
                var app = builder.Build();
                app.UseContextFlow();
                app.MapContextFlowAdmin();
                return app;
            }

            public static ServerHost Host(WebApplication app) => app.Services.GetRequiredService<ServerHost>();
        }
        """;

    private const string CleanSource = """
        using System.Threading.Tasks;
        using ContextFlow;

        namespace Consumer;

        public static class Handler
        {
            public static async Task<string> HandleAsync(LoggingContext server)
            {
                using var scope = new LoggingContext("GET-1", server.ServerName, server).Enter();
                await Task.Yield();
                return LoggingContext.Current.Name;
            }
        }
        """;

    private const string RawTimerSource = """
        using System.Threading;

        namespace Consumer;

        public static class Ticker
        {
            public static Timer Start() => new System.Threading.Timer(_ => { }, null, 1000, 1000);
        }
        """;

    private static readonly string[] AllPackages = { "ContextFlow", "ContextFlow.AspNetCore", "ContextFlow.Npgsql", "ContextFlow.Orleans" };

    // Every package's shapes in one consumer: a tenant grain, a database pool, the host's lifetime, a server.
    private const string AllPackagesCleanSource = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Background;
        using ContextFlow.Hosting;
        using ContextFlow.Npgsql;
        using ContextFlow.Orleans;
        using ContextFlow.Time;
        using Orleans;

        namespace Consumer;

        public interface IChatTenant : IGrainWithStringKey
        {
            Task PingAsync();
        }

        public sealed class ChatConfig : ServerConfig
        {
        }

        public sealed class ChatServer : Server
        {
            private readonly DatabasePool _pool;

            public ChatServer(ChatConfig config, RunningSignal running)
                : base(config, running: running)
            {
                _pool = new DatabasePool(this, "Host=localhost");
                RegisterShutdownHandler(async ct => await _pool.ShutdownAsync());
            }

            public Task<string> PingAsync() => Task.FromResult("pong").TimeoutAsync(TimeSpan.FromSeconds(5), Clock);

            public void Stop() => _ = ShutdownAsync();
        }

        public sealed class ChatTenantGrain : TenantGrain<ChatConfig, ChatServer>, IChatTenant
        {
            public Task PingAsync() => Server.PingAsync();

            protected override ChatServer CreateServer(ChatConfig config, RunningSignal running) => new(config, running);
        }
        """;

    // The shapes the hosting layers invite, one per rule, each in the package it comes with.
    private const string AllPackagesMisuseSource = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Hosting;
        using ContextFlow.Npgsql;
        using ContextFlow.Orleans;
        using ContextFlow.Time;
        using Microsoft.Extensions.Hosting;
        using Orleans;

        namespace Consumer;

        public interface IPresence : IGrainWithStringKey
        {
            Task StartAsync();
        }

        public sealed class PresenceGrain : TenantGrain<ChatConfig, ChatServer>, IPresence
        {
            public Task StartAsync()
            {
                this.RegisterGrainTimer(() => Task.CompletedTask, TimeSpan.Zero, TimeSpan.FromMinutes(1));
                return Task.CompletedTask;
            }

            protected override ChatServer CreateServer(ChatConfig config, RunningSignal running) => new(config, running);
        }

        public static class Misuse
        {
            public static void Hook(Server server, DatabasePool? pool, IHostApplicationLifetime lifetime)
            {
                server.RegisterShutdownHandler(async () => await pool!.ShutdownAsync());
                _ = pool?.DisposeAsync();
                var started = lifetime.ApplicationStarted;
                started.Register(() => Console.WriteLine("up"));
            }

            public static Task<int> WaitAsync(Task<int> work) => work.WaitAsync(TimeSpan.FromSeconds(5));
        }
        """;

    // Several targets per rule in one file: a primary-constructor clock, a field, a server parameter.
    private const string SeveralTargetsSource = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        namespace Consumer;

        public sealed class Cache(Clock clock)
        {
            public void Expire() => new Timer(_ => Evict(), null, 1000, Timeout.Infinite);

            public async Task RefreshAsync() => await Task.Delay(10);

            private static void Evict()
            {
            }
        }

        public sealed class Pruner
        {
            private readonly Clock _clock;
            private readonly ContextFlow.Background.BackgroundProcesses _processes;

            public Pruner(Clock clock, ContextFlow.Background.BackgroundProcesses processes)
            {
                _clock = clock;
                _processes = processes;
            }

            public void Start() => new Timer(_ => Prune(), null, 10, 20);

            public async Task<int> CountAsync(Task<int> work) => await work.WaitAsync(TimeSpan.FromSeconds(1));

            public void Flush() => _ = FlushAsync().ConfigureAwait(false);

            private static void Prune()
            {
            }

            private static Task FlushAsync() => Task.CompletedTask;
        }

        public sealed class Handler
        {
            private readonly Handler? _next = null;

            public void Handle(Server server)
            {
                _ = SendAsync();
                _next?.SendAsync();
            }

            public async Task PauseAsync(Server server) => await Task.Delay(TimeSpan.FromSeconds(1));

            private Task SendAsync() => Task.CompletedTask;
        }
        """;

    private string _work = "";
    private string _package = "";
    private string _webPackage = "";
    private string _symbols = "";
    private string _version = "";

    [OneTimeSetUp]
    public void PackIntoAFolderFeed()
    {
        _work = Path.Combine(Path.GetTempPath(), "contextflow-package-test-" + Guid.NewGuid().ToString("N")[..12]);
        var feed = Path.Combine(_work, "feed");
        Directory.CreateDirectory(feed);

        // A version of its own per run: nothing restored earlier can stand in for this build.
        _version = "0.0.0-packagetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        foreach (var project in AllPackages)
        {
            var path = Path.Combine(TestReferences.RepositoryRoot, "Core", project, project + ".csproj");
            var pack = Dotnet(_work, "pack", path, "-c", "Release", "-o", feed, "-p:PackageVersion=" + _version, "--no-restore");
            Assert.That(pack.ExitCode, Is.Zero, pack.Output);
        }

        _package = Path.Combine(feed, $"ContextFlow.{_version}.nupkg");
        _webPackage = Path.Combine(feed, $"ContextFlow.AspNetCore.{_version}.nupkg");
        _symbols = Path.Combine(feed, $"ContextFlow.{_version}.snupkg");
        Assert.That(new[] { _package, _webPackage }, Has.All.Matches<string>(File.Exists), string.Join('\n', Directory.GetFiles(feed)));

        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var config = new StringBuilder("<configuration><packageSources>");
        config.Append($"<add key=\"contextflow-test-feed\" value=\"{feed}\" />");
        if (Directory.Exists(globalPackages))
        {
            // Serilog is already there from the repository's own restore; the configured sources stay as a fallback.
            config.Append($"<add key=\"local-packages\" value=\"{globalPackages}\" />");
        }

        File.WriteAllText(Path.Combine(_work, "nuget.config"), config.Append("</packageSources></configuration>").ToString());
    }

    [OneTimeTearDown]
    public void RemoveTheWorkFolder()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    public void Package_HoldsLibraryAndRoslynComponents()
    {
        using var archive = ZipFile.OpenRead(_package);
        var entries = archive.Entries.Select(e => e.FullName).ToList();

        Assert.That(entries, Does.Contain("lib/net8.0/ContextFlow.dll"));
        Assert.That(entries, Does.Contain("lib/net10.0/ContextFlow.dll"));
        Assert.That(entries, Does.Contain("analyzers/dotnet/cs/ContextFlow.Analyzers.dll"));
        Assert.That(entries, Does.Contain("analyzers/dotnet/cs/ContextFlow.CodeFixes.dll"));
        Assert.That(entries, Does.Contain("analyzers/dotnet/cs/ContextFlow.Generators.dll"));
    }

    [Test]
    public void Package_ShowsItsReadmeAndTags()
    {
        using var archive = ZipFile.OpenRead(_package);
        var nuspec = Read(archive, archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).FullName);
        var readme = Read(archive, "README.md");

        Assert.Multiple(() =>
        {
            Assert.That(nuspec, Does.Contain("<readme>README.md</readme>"));
            Assert.That(nuspec, Does.Match("<tags>[^<]*multi-tenant[^<]*</tags>"));
            Assert.That(readme, Does.StartWith("# ContextFlow"));
            Assert.That(readme, Does.Contain(".Enrich.FromLoggingContext()"));
        });
    }

    [Test]
    public void WebPackage_ShowsItsReadmeAndDependsOnContextFlow()
    {
        using var archive = ZipFile.OpenRead(_webPackage);
        var nuspec = Read(archive, "ContextFlow.AspNetCore.nuspec");

        Assert.Multiple(() =>
        {
            Assert.That(nuspec, Does.Contain("<readme>README.md</readme>"));
            Assert.That(nuspec, Does.Match("<tags>[^<]*aspnetcore[^<]*</tags>"));
            Assert.That(nuspec, Does.Contain($"<dependency id=\"ContextFlow\" version=\"{_version}\""));
            Assert.That(Read(archive, "README.md"), Does.StartWith("# ContextFlow.AspNetCore"));
        });
    }

    [Test]
    public void SymbolsPackage_HoldsThePdbOfEveryTarget()
    {
        Assert.That(File.Exists(_symbols), Is.True, "no ContextFlow .snupkg next to the package");
        using var archive = ZipFile.OpenRead(_symbols);
        var entries = archive.Entries.Select(e => e.FullName).ToList();

        Assert.That(entries, Does.Contain("lib/net8.0/ContextFlow.pdb"));
        Assert.That(entries, Does.Contain("lib/net10.0/ContextFlow.pdb"));
    }

    [Test]
    public void ConsumerOfAllFourPackages_BuildsCleanAndGetsEveryRuleOfTheHostingShapes()
    {
        var clean = BuildConsumer("all-clean", AllPackages, AllPackagesCleanSource);
        var misuse = BuildConsumer("all-misuse", AllPackages, AllPackagesCleanSource, AllPackagesMisuseSource);

        Assert.Multiple(() =>
        {
            Assert.That(clean.ExitCode, Is.Zero, clean.Output);
            Assert.That(clean.Output, Does.Contain("0 Warning(s)"));
            Assert.That(misuse.ExitCode, Is.Not.Zero, misuse.Output);
            foreach (var id in new[] { "CTX2001", "CTX2002", "CTX2003", "CTX3001", "CTX3002" })
            {
                Assert.That(misuse.Output, Does.Contain("error " + id), id);
            }
        });
    }

    [Test]
    public void DotnetFormatOnce_FixesEverySiteOfSeveralTargets()
    {
        var before = BuildConsumer("format", new[] { "ContextFlow" }, SeveralTargetsSource);
        Assert.That(before.Output, Does.Contain("error CTX2001").And.Contain("error CTX2002").And.Contain("error CTX3001"), before.Output);

        var folder = Path.Combine(_work, "format");
        var format = Dotnet(folder, "format", "analyzers", "Consumer.csproj", "--diagnostics", "CTX2001", "CTX2002", "CTX3001", "--severity", "error");
        var after = Dotnet(folder, "build", "Consumer.csproj", "-c", "Release");
        var fixedSource = File.ReadAllText(Path.Combine(folder, "Source0.cs"));

        Assert.Multiple(() =>
        {
            Assert.That(format.ExitCode, Is.Zero, format.Output);
            Assert.That(after.ExitCode, Is.Zero, after.Output + "\n--- after dotnet format ---\n" + fixedSource);
            Assert.That(after.Output, Does.Not.Contain("CTX"), fixedSource);
            Assert.That(fixedSource, Does.Contain("clock.CallLater").And.Contain("_clock.LoopingCall").And.Contain("server.BackgroundProcesses.RunAsBackgroundProcess"));
        });
    }

    [Test]
    public void ConsumerWithRawTimer_FailsWithCtx2001()
    {
        var result = BuildConsumer("with-timer", "ContextFlow", CleanSource, RawTimerSource);

        Assert.That(result.ExitCode, Is.Not.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("error CTX2001"));
    }

    [Test]
    public void ConsumerWithoutRawTimer_BuildsWithNoWarnings()
    {
        var result = BuildConsumer("clean", "ContextFlow", CleanSource);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("0 Warning(s)"));
        Assert.That(result.Output, Does.Contain("0 Error(s)"));
    }

    [Test]
    public void WebConsumer_BuildsCleanAndGetsTheRulesThroughTheWebPackage()
    {
        var clean = BuildConsumer("web-clean", "ContextFlow.AspNetCore", WebSource);
        var withTimer = BuildConsumer("web-with-timer", "ContextFlow.AspNetCore", WebSource, RawTimerSource);

        Assert.Multiple(() =>
        {
            Assert.That(clean.ExitCode, Is.Zero, clean.Output);
            Assert.That(clean.Output, Does.Contain("0 Warning(s)"));
            Assert.That(withTimer.ExitCode, Is.Not.Zero, withTimer.Output);
            Assert.That(withTimer.Output, Does.Contain("error CTX2001"));
        });
    }

    private static string Read(ZipArchive archive, string entry)
    {
        using var reader = new StreamReader(archive.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    private (int ExitCode, string Output) BuildConsumer(string name, string package, params string[] sources) =>
        BuildConsumer(name, new[] { package }, sources);

    private (int ExitCode, string Output) BuildConsumer(string name, string[] packages, params string[] sources)
    {
        var folder = Path.Combine(_work, name);
        Directory.CreateDirectory(folder);
        // A plain library project: the web package brings the ASP.NET Core shared framework with it.
        var references = string.Join("\n", packages.Select(p => $"    <PackageReference Include=\"{p}\" Version=\"{_version}\" />"));
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), ConsumerProject.Replace("PACKAGES", references));
        for (var i = 0; i < sources.Length; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"Source{i}.cs"), sources[i]);
        }

        return Dotnet(folder, "build", "Consumer.csproj", "-c", "Release");
    }

    private static (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // dotnet format takes neither option; the build commands get both.
        foreach (var argument in arguments[0] == "format" ? arguments : arguments.Concat(new[] { "--nologo", "--disable-build-servers" }))
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs inside MSBuild's environment; a nested build must find its own SDK and targets.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet " + string.Join(' ', arguments) + " did not finish in 8 minutes:\n" + output);
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
