using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>
/// The main sample, run as its own process the way <c>dotnet run --project samples/MultiServer</c> runs it (the build
/// of the same configuration as the tests), with its output collected line by line.
/// </summary>
public sealed partial class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleProcess(string arguments, string? workingDirectory)
    {
        var dll = Path.Combine(RepositoryRoot, "samples", "MultiServer", "bin", Configuration, "net10.0", "MultiServer.dll");
        Assert.That(dll, Does.Exist, "the sample is built with the tests");
        _process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                // Where dotnet run starts it (its RunWorkingDirectory), so it reads the appsettings.json beside it.
                WorkingDirectory = workingDirectory ?? SampleDirectory,
            },
        };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The repository's root: the folder above the tests that holds Packages.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Packages.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Packages.sln not found above the test directory");
        }
    }

    public string Output => string.Join('\n', _lines);

    public int ExitCode => _process.ExitCode;

    /// <summary>The sample's project folder, which holds its <c>appsettings.json</c>.</summary>
    public static string SampleDirectory => Path.Combine(RepositoryRoot, "samples", "MultiServer");

    /// <summary>Starts the sample in its project folder, or in <paramref name="workingDirectory"/> (its content root:
    /// the <c>appsettings.json</c> it reads and watches).</summary>
    public static SampleProcess Start(string arguments, string? workingDirectory = null) => new(arguments, workingDirectory);

    /// <summary>The address the sample printed ("... servers on http://127.0.0.1:PORT").</summary>
    public Task<Uri> AddressAsync() => _address.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Ctrl+C, as a person at the terminal would press it.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, "SIGINT sent");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            _process.WaitForExit();     // the output is read to its end
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static string Configuration =>
        typeof(SampleProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    [GeneratedRegex(@"servers on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        if (Listening().Match(line) is { Success: true } match)
        {
            _address.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }
}
