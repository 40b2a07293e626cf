using System.Linq;
using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContextFlow.Analyzers.Tests.Generators.Support;

/// <summary>The caching test every generator gets: an edit elsewhere must leave every tracked step Cached or Unchanged.</summary>
internal static class IncrementalChecks
{
    private const string Unrelated = """
        namespace Elsewhere;

        public static class Numbers
        {
            public static int One() => 1;
        }
        """;

    public static void AssertCachedAfterUnrelatedEdit(IIncrementalGenerator generator, string source)
    {
        var compilation = GeneratorTestCompilation.Create(source, Unrelated);
        var driver = GeneratorRunner.CreateDriver(generator).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.That(first.GeneratedSources, Is.Not.Empty, "the first run generated nothing");

        var unrelatedTree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("namespace Elsewhere"));
        var edited = compilation.ReplaceSyntaxTree(
            unrelatedTree,
            CSharpSyntaxTree.ParseText(Unrelated.Replace("=> 1;", "=> 2;"), GeneratorTestCompilation.ParseOptions, unrelatedTree.FilePath));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Multiple(() =>
        {
            foreach (var name in TrackingNames.All)
            {
                Assert.That(first.TrackedSteps.ContainsKey(name), $"step '{name}' is not tracked");
                Assert.That(second.TrackedSteps.ContainsKey(name), $"step '{name}' did not run the second time");
                if (!second.TrackedSteps.TryGetValue(name, out var runs))
                {
                    continue;
                }

                var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
                Assert.That(reasons, Is.Not.Empty, $"step '{name}' produced nothing");
                Assert.That(reasons, Is.All.Matches<IncrementalStepRunReason>(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged),
                    $"step '{name}' ran again after an unrelated edit");
            }

            // Only our steps: the ones inside ForAttributeWithMetadataName hold syntax by design.
            var outputs = first.TrackedSteps.Concat(second.TrackedSteps).Where(s => TrackingNames.All.Contains(s.Key))
                .Concat(first.TrackedOutputSteps).Concat(second.TrackedOutputSteps)
                .SelectMany(step => step.Value.SelectMany(run => run.Outputs.Select((o, i) => (Path: $"{step.Key}[{i}]", o.Value))));
            var roslynObjects = outputs.SelectMany(o => GeneratorRunner.RoslynObjectsIn(o.Value, o.Path)).Distinct().ToList();
            Assert.That(roslynObjects, Is.Empty, "step outputs hold Roslyn objects, which root old compilations");
            Assert.That(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs).Select(o => o.Reason),
                Is.All.EqualTo(IncrementalStepRunReason.Cached), "source output ran again");
        });
    }

    /// <summary>The other side of the caching test: an edit that changes the model must reach the output.</summary>
    public static void AssertRegeneratedAfterEdit(IIncrementalGenerator generator, string source, string editedSource)
    {
        var compilation = GeneratorTestCompilation.Create(source, Unrelated);
        var driver = GeneratorRunner.CreateDriver(generator).RunGenerators(compilation);
        var markedTree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(
            markedTree, CSharpSyntaxTree.ParseText(editedSource, GeneratorTestCompilation.ParseOptions, markedTree.FilePath));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.That(second.TrackedSteps[TrackingNames.Valid].SelectMany(r => r.Outputs).Select(o => o.Reason),
            Has.Some.EqualTo(IncrementalStepRunReason.Modified).Or.Some.EqualTo(IncrementalStepRunReason.New));
        Assert.That(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs).Select(o => o.Reason),
            Has.Some.EqualTo(IncrementalStepRunReason.Modified).Or.Some.EqualTo(IncrementalStepRunReason.New));
    }
}
