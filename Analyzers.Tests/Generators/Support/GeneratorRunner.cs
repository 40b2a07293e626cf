using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContextFlow.Analyzers.Tests.Generators.Support;

/// <summary>Runs one incremental generator over a compilation and checks what it produced and what it cached.</summary>
internal static class GeneratorRunner
{
    public static GeneratorDriver CreateDriver(IIncrementalGenerator generator) => CSharpGeneratorDriver.Create(
        new[] { generator.AsSourceGenerator() },
        parseOptions: GeneratorTestCompilation.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and returns the generated files (hint name → text) after checking the result compiles cleanly.</summary>
    public static IReadOnlyList<(string HintName, string Text)> Generate(IIncrementalGenerator generator, params string[] sources)
    {
        var compilation = GeneratorTestCompilation.Create(sources);
        var driver = CreateDriver(generator).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.That(generatorDiagnostics, Is.Empty, "the generator reported diagnostics");
        var generatedTrees = output.SyntaxTrees.Except(compilation.SyntaxTrees).ToHashSet();
        var problems = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error ||
                        (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)))
            .Select(d => d.ToString())
            .ToList();
        Assert.That(problems, Is.Empty, "the generated code does not compile cleanly");
        return driver.GetRunResult().Results.Single().GeneratedSources
            .Select(s => (s.HintName, s.SourceText.ToString()))
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every value an incremental step produced that holds (directly or inside) a Roslyn symbol, node or compilation.</summary>
    public static IEnumerable<string> RoslynObjectsIn(object? value, string path, HashSet<object>? seen = null)
    {
        seen ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            yield break;
        }

        if (value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree or Location)
        {
            yield return $"{path}: {value.GetType().Name}";
            yield break;
        }

        if (value is IEnumerable sequence)
        {
            var index = 0;
            foreach (var item in sequence)
            {
                foreach (var found in RoslynObjectsIn(item, $"{path}[{index++}]", seen))
                {
                    yield return found;
                }
            }
        }

        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            foreach (var found in RoslynObjectsIn(field.GetValue(value), $"{path}.{field.Name}", seen))
            {
                yield return found;
            }
        }
    }
}
