using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContextFlow.Analyzers.Tests;

/// <summary>
/// Analyzers never throw: every test source of this project, broken by deleting random tokens, is analyzed by every
/// rule, and no analyzer may fail (AD0001).
/// </summary>
public sealed class RobustnessTests
{
    private const int VariantsPerSource = 8;

    private static readonly Regex Markup = new(@"\{\|[^:|{}]*:|\|\}|\[\||\|\]", RegexOptions.Compiled);

    [Test]
    public async Task BrokenVariantsOfEveryTestSource_NeverCrashAnAnalyzer()
    {
        var sources = TestSources();
        Assert.That(sources, Has.Count.GreaterThan(30), "the test sources were not found");

        var analyzers = typeof(Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var failures = new ConcurrentBag<string>();
        var variants = 0;

        foreach (var (source, index) in sources.Select((s, i) => (s, i)))
        {
            var random = new Random(index);
            foreach (var variant in Enumerable.Range(0, VariantsPerSource).Select(_ => DeleteRandomTokens(source, random)))
            {
                variants++;
                var compilation = CSharpCompilation.Create(
                    "Broken" + variants,
                    new[] { CSharpSyntaxTree.ParseText(variant) },
                    TestReferences.All,
                    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
                var options = new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                    onAnalyzerException: (exception, analyzer, _) => failures.Add($"{analyzer.GetType().Name}: {exception}\n--- source ---\n{variant}"),
                    concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false);
                var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
                foreach (var diagnostic in diagnostics.Where(d => d.Id == "AD0001"))
                {
                    failures.Add(diagnostic + "\n--- source ---\n" + variant);
                }
            }
        }

        Assert.That(variants, Is.GreaterThanOrEqualTo(300));
        Assert.That(failures, Is.Empty, failures.FirstOrDefault());
    }

    /// <summary>Every raw string literal of this project's tests, without its diagnostic markup.</summary>
    private static List<string> TestSources()
    {
        var folder = Path.Combine(TestReferences.RepositoryRoot, "Analyzers.Tests");
        return Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .SelectMany(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f)).GetRoot().DescendantTokens())
            .Where(t => t.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) && t.ValueText.Contains("class ", StringComparison.Ordinal))
            .Select(t => Markup.Replace(t.ValueText, ""))
            .Distinct()
            .ToList();
    }

    private static string DeleteRandomTokens(string source, Random random)
    {
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        var doomed = Enumerable.Range(0, random.Next(1, 4))
            .Select(_ => tokens[random.Next(tokens.Count)].Span)
            .Distinct()
            .OrderByDescending(s => s.Start);
        var text = new StringBuilder(source);
        foreach (var span in doomed)
        {
            text.Remove(span.Start, span.Length);
        }

        return text.ToString();
    }
}
