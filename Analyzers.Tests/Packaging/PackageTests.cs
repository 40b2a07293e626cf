using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ContextFlow.Analyzers.Tests.Support;

namespace ContextFlow.Analyzers.Tests.Packaging;

/// <summary>
/// Packs ContextFlow and ContextFlow.AspNetCore into a folder feed, restores them into throwaway consumer projects and
/// builds those: what a user gets from the NuGet packages, analyzers included, also through the web package alone.
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
            <PackageReference Include="PACKAGE" Version="VERSION" />
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
        foreach (var project in new[] { "ContextFlow", "ContextFlow.AspNetCore" })
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

    private (int ExitCode, string Output) BuildConsumer(string name, string package, params string[] sources)
    {
        var folder = Path.Combine(_work, name);
        Directory.CreateDirectory(folder);
        // A plain library project: the web package brings the ASP.NET Core shared framework with it.
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), ConsumerProject.Replace("PACKAGE", package).Replace("VERSION", _version));
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
        foreach (var argument in arguments.Concat(new[] { "--nologo", "--disable-build-servers" }))
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
