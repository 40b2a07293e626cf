using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;

namespace ContextFlow.Orleans.Tests;

/// <summary>Runs <c>samples/Cluster</c> as its own process, as a user would, and reads what it printed and wrote.</summary>
public sealed class ClusterSampleTests : ContextCleanFixture
{
    private static readonly string s_sample = typeof(ClusterSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ClusterSample").Value!;

    [Test]
    public async Task Sample_RunsToItsEndByItself_EachRequestLoggedUnderItsTenants_InEachServersOwnFile()
    {
        var logs = Directory.CreateTempSubdirectory("contextflow-cluster-sample-");
        try
        {
            var (exitCode, output) = await RunAsync(s_sample, "--logs", logs.FullName);
            var alpha = await File.ReadAllLinesAsync(Path.Combine(logs.FullName, "alpha.example.log"));
            var beta = await File.ReadAllLinesAsync(Path.Combine(logs.FullName, "beta.example.log"));

            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero, output);
                Assert.That(output, Does.Contain("Reply: alpha.example stored post 1 on silo-").And.Contains("for request POST-1"));
                Assert.That(output, Does.Contain("Stopping silo-3"));
                Assert.That(alpha.Where(l => l.Contains("POST-1 ", StringComparison.Ordinal)), Has.Some.Contains("IChatTenant.PostAsync"),
                    "the request's lines in the tenant it was sent to");
                Assert.That(beta.Where(l => l.Contains("POST-1 ", StringComparison.Ordinal)), Has.Some.Contains("IChatTenant.NotifyAsync"),
                    "and in the tenant it notified, with the same id");
                Assert.That(alpha.Concat(beta), Has.None.Contains("unknown_server_from_sentinel_context"), "a server's file holds only its lines");
                Assert.That(beta, Has.Some.Contains("Received shutdown request for beta.example"));
            });
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The sample did not exit within 2 minutes:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
