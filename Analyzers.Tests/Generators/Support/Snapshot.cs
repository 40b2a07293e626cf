using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ContextFlow.Analyzers.Tests.Support;

namespace ContextFlow.Analyzers.Tests.Generators.Support;

/// <summary>
/// Compares generated files with a checked-in snapshot next to the test (<c>Snapshots/{Test}.verified.txt</c>).
/// On a difference it writes <c>{Test}.received.txt</c> beside it and fails; set <c>UPDATE_SNAPSHOTS=1</c> to accept
/// the received text instead.
/// </summary>
internal static class Snapshot
{
    // From the build's recorded repository root, not [CallerFilePath]: CI builds map source paths to "/_/".
    private static readonly string s_folder = Path.Combine(TestReferences.RepositoryRoot, "Analyzers.Tests", "Generators", "Snapshots");

    public static void Match(IReadOnlyList<(string HintName, string Text)> files, string name)
    {
        var actual = string.Concat(files.Select(f => $"//// {f.HintName}\n{f.Text}\n"));
        var folder = s_folder;
        var verified = Path.Combine(folder, name + ".verified.txt");
        var received = Path.Combine(folder, name + ".received.txt");
        var expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(folder);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.That(actual, Is.EqualTo(expected), $"the generated source differs from {verified}; see {received}");
    }
}
