using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContextFlow.Analyzers.Tests.Generators.Support;

/// <summary>
/// Compilations for the generator tests: the running runtime's own assemblies (no NuGet, no network) plus the
/// ContextFlow build these tests reference. Runtime types the generators reach for that this ContextFlow does not
/// have yet (Clock, BackgroundProcesses, Server) are added as small stubs with the same metadata names, so the
/// tests switch to the real types as soon as ContextFlow has them.
/// </summary>
internal static class GeneratorTestCompilation
{
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static ImmutableArray<MetadataReference> References { get; } = BuildReferences();

    /// <summary>Stub source for whichever runtime types ContextFlow lacks; empty once it has them all.</summary>
    public static string Stubs { get; } = BuildStubs();

    public static CSharpCompilation Create(params string[] sources)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"/src/Test{i}.cs")).ToList();
        if (Stubs.Length > 0)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Stubs, ParseOptions, path: "/src/Stubs.cs"));
        }

        return CSharpCompilation.Create(
            "GeneratorTest",
            trees,
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static ImmutableArray<MetadataReference> BuildReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) ||
                                                           name is "netstandard.dll" or "mscorlib.dll" or "Microsoft.Win32.Primitives.dll"));
        return platform
            .Append(typeof(LoggingContext).Assembly.Location)
            .Append(typeof(global::Serilog.Log).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    private static string BuildStubs()
    {
        var core = typeof(LoggingContext).Assembly;
        var stubs = new List<string>();
        if (core.GetType("ContextFlow.Background.BackgroundProcesses") is null)
        {
            stubs.Add("""
                namespace ContextFlow.Background
                {
                    public sealed class BackgroundProcesses
                    {
                        public global::System.Threading.Tasks.Task RunAsBackgroundProcess(string description, global::System.Func<global::System.Threading.CancellationToken, global::System.Threading.Tasks.Task> work) => work(default);
                    }
                }
                """);
        }

        if (core.GetType("ContextFlow.Time.Clock") is null)
        {
            stubs.Add("""
                namespace ContextFlow.Time
                {
                    public sealed class Clock
                    {
                        public string ServerName => "stub";
                    }
                }
                """);
        }

        if (core.GetType("ContextFlow.Hosting.Server") is null)
        {
            stubs.Add("""
                namespace ContextFlow.Hosting
                {
                    public abstract class Server
                    {
                        public string ServerName => "stub";
                        public global::ContextFlow.Time.Clock Clock { get; } = null!;
                        public global::ContextFlow.Background.BackgroundProcesses BackgroundProcesses { get; } = null!;
                    }
                }
                """);
        }

        return string.Join("\n", stubs);
    }
}
