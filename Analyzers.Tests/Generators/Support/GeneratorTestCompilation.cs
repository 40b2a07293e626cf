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
/// ContextFlow build these tests reference, whose real Clock, BackgroundProcesses and Server the generated code uses.
/// </summary>
internal static class GeneratorTestCompilation
{
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static ImmutableArray<MetadataReference> References { get; } = BuildReferences();

    public static CSharpCompilation Create(params string[] sources)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"/src/Test{i}.cs")).ToList();
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
}
