using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace ContextFlow.Analyzers.Tests.Support;

/// <summary>
/// What every test compilation references, built once and without NuGet: the .NET 8 reference assemblies shipped
/// inside Basic.Reference.Assemblies.Net80 plus ContextFlow's net8.0 build.
/// </summary>
internal static class TestReferences
{
    /// <summary>No package to resolve, so tests never touch the network.</summary>
    public static ReferenceAssemblies Assemblies { get; } = new("net8.0");

    /// <summary>The .NET 8 reference assemblies.</summary>
    public static ImmutableArray<MetadataReference> Net80 { get; } = Basic.Reference.Assemblies.Net80.References.All.Cast<MetadataReference>().ToImmutableArray();

    /// <summary>ContextFlow's net8.0 assembly, copied next to the tests by the project file.</summary>
    public static MetadataReference ContextFlow { get; } =
        MetadataReference.CreateFromFile(Path.Combine(AppContext.BaseDirectory, "contextflow-net8.0", "ContextFlow.dll"));

    /// <summary>Everything a test source may use.</summary>
    public static ImmutableArray<MetadataReference> All { get; } = Net80.Add(ContextFlow);

    /// <summary>The repository's root folder, for tests that read docs or pack the library.</summary>
    public static string RepositoryRoot { get; } = typeof(TestReferences).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;
}
