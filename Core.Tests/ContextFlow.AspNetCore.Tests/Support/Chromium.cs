using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, as a person's browser: the page's script runs, then the rendered DOM or a screenshot
/// is taken. Run as root it needs <c>--no-sandbox</c>; the other flags keep it from reaching for the network, which this
/// machine does not have. <c>scripts/chromium.sh</c> installs it.
/// </summary>
public static class Chromium
{
    private const string Executable = "/usr/bin/chromium";

    /// <summary>The page's DOM once its script has run for <paramref name="budget"/> of virtual time.</summary>
    public static Task<string> DumpDomAsync(Uri page, TimeSpan budget) => RunAsync(page, budget, "--dump-dom");

    /// <summary>A PNG screenshot of the page, once its script has run.</summary>
    public static async Task ScreenshotAsync(Uri page, TimeSpan budget, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await RunAsync(page, budget, $"--screenshot={path}", "--window-size=1400,900", "--hide-scrollbars");
        Assert.That(path, Does.Exist, "chromium wrote the screenshot");
    }

    private static async Task<string> RunAsync(Uri page, TimeSpan budget, params string[] extra)
    {
        Assert.That(Executable, Does.Exist, "Debian's chromium is needed for the dashboard test: run scripts/chromium.sh (./test.sh does)");
        var profile = Directory.CreateTempSubdirectory("contextflow-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var flag in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}",
                $"--virtual-time-budget={(int)budget.TotalMilliseconds}",
            })
            {
                start.ArgumentList.Add(flag);
            }

            foreach (var flag in extra)
            {
                start.ArgumentList.Add(flag);
            }

            start.ArgumentList.Add(page.ToString());
            using var chromium = Process.Start(start)!;
            var output = chromium.StandardOutput.ReadToEndAsync();
            var errors = chromium.StandardError.ReadToEndAsync();
            await chromium.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            Assert.That(chromium.ExitCode, Is.Zero, await errors);
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
