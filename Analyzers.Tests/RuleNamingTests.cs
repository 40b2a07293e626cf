using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ContextFlow.Analyzers.Tests.Support;
using ContextFlow.CodeFixes;
using ContextFlow.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContextFlow.Analyzers.Tests;

/// <summary>
/// One rule, one stem: the name of a rule's constant in <see cref="DiagnosticIds"/> is the name of its descriptor, its
/// analyzer (<c>{Stem}Analyzer</c>), its code fix (<c>{Stem}CodeFix</c>), their files and test files, and the rule page
/// names them, so a newcomer finds everything of a rule from its ID.
/// </summary>
public sealed class RuleNamingTests
{
    private static readonly string s_root = TestReferences.RepositoryRoot;

    private static IEnumerable<TestCaseData> Stems() =>
        typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => new TestCaseData((string)f.GetRawConstantValue()!, f.Name).SetArgDisplayNames((string)f.GetRawConstantValue()!, f.Name));

    private static IEnumerable<TestCaseData> AnalyzerStems() => Stems().Where(c => !IsGeneratorRule((string)c.Arguments[0]!));

    private static IEnumerable<TestCaseData> GeneratorStems() => Stems().Where(c => IsGeneratorRule((string)c.Arguments[0]!));

    private static bool IsGeneratorRule(string id) => id.StartsWith("CTX9", StringComparison.Ordinal);

    private static readonly Type[] s_analyzers = typeof(Descriptors).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .ToArray();

    private static readonly Type[] s_fixes = typeof(RawTimerCodeFix).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .ToArray();

    [TestCaseSource(nameof(AnalyzerStems))]
    public void AnalyzerRule_SharesItsStem(string id, string stem)
    {
        var analyzer = s_analyzers.SingleOrDefault(t => Supports(t, id));
        var descriptor = typeof(Descriptors).GetField(stem)?.GetValue(null) as DiagnosticDescriptor;
        var fix = s_fixes.SingleOrDefault(t => ((CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds.Contains(id));
        var page = File.ReadAllText(Path.Combine(s_root, "docs", "rules", id + ".md"));

        Assert.Multiple(() =>
        {
            Assert.That(descriptor?.Id, Is.EqualTo(id), $"Descriptors.{stem}");
            Assert.That(analyzer?.FullName, Is.EqualTo($"ContextFlow.Analyzers.Rules.{stem}Analyzer"));
            AssertFile("Analyzers", "ContextFlow.Analyzers", "Rules", stem + "Analyzer.cs");
            AssertFile("Analyzers.Tests", "Rules", stem + "AnalyzerTests.cs");
            Assert.That(page, Does.Contain($"| Analyzer | `{stem}Analyzer` "));
            if (fix is null)
            {
                Assert.That(page, Does.Contain("| Code fix | no |"));
            }
            else
            {
                Assert.That(fix.FullName, Is.EqualTo($"ContextFlow.CodeFixes.{stem}CodeFix"));
                AssertFile("Analyzers", "ContextFlow.CodeFixes", stem + "CodeFix.cs");
                AssertFile("Analyzers.Tests", "CodeFixes", stem + "CodeFixTests.cs");
                Assert.That(page, Does.Contain($"| Code fix | `{stem}CodeFix` "));
            }
        });
    }

    [TestCaseSource(nameof(GeneratorStems))]
    public void GeneratorRule_SharesItsStem(string id, string stem)
    {
        var descriptors = typeof(GeneratorUsageAnalyzer).Assembly.GetType("ContextFlow.Generators.Descriptors", throwOnError: true)!;
        var descriptor = descriptors.GetField(stem, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as DiagnosticDescriptor;
        var page = File.ReadAllText(Path.Combine(s_root, "docs", "rules", id + ".md"));

        Assert.Multiple(() =>
        {
            Assert.That(descriptor?.Id, Is.EqualTo(id), $"Descriptors.{stem}");
            Assert.That(new GeneratorUsageAnalyzer().SupportedDiagnostics.Select(d => d.Id), Does.Contain(id));
            AssertFile("Analyzers.Tests", "Generators", "Rules", stem + "Tests.cs");
            Assert.That(page, Does.Contain("| Analyzer | `GeneratorUsageAnalyzer` "));
            Assert.That(page, Does.Contain("| Code fix | no |"));
        });
    }

    [Test]
    public void EveryAnalyzerFixAndRuleTestFile_IsNamedForARule()
    {
        var stems = Stems().Select(c => (string)c.Arguments[1]!).ToHashSet();
        var named = s_analyzers.Where(t => t.Namespace == "ContextFlow.Analyzers.Rules").Select(t => Strip(t.Name, "Analyzer"))
            .Concat(s_fixes.Select(t => Strip(t.Name, "CodeFix")))
            .Concat(Files("Analyzers", "ContextFlow.Analyzers", "Rules").Select(f => Strip(f, "Analyzer")))
            .Concat(Files("Analyzers", "ContextFlow.CodeFixes").Where(f => f.EndsWith("CodeFix", StringComparison.Ordinal)).Select(f => Strip(f, "CodeFix")))
            .Concat(Files("Analyzers.Tests", "Rules").Select(f => Strip(f, "AnalyzerTests")))
            .Concat(Files("Analyzers.Tests", "CodeFixes").Select(f => Strip(f, "CodeFixTests")))
            .Concat(Files("Analyzers.Tests", "Generators", "Rules").Select(f => Strip(f, "Tests")));

        Assert.That(named.Where(n => !stems.Contains(n)).Distinct(), Is.Empty, "names that are no rule's stem");
    }

    [Test]
    public void BothRoslynAssemblies_CompileTheOneIdTable()
    {
        static Dictionary<string, object?> Table(Type type) =>
            type.GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => f.Name, f => f.GetRawConstantValue());

        var generators = typeof(GeneratorUsageAnalyzer).Assembly.GetType("ContextFlow.Generators.DiagnosticIds", throwOnError: true)!;
        Assert.That(Table(generators), Is.EquivalentTo(Table(typeof(DiagnosticIds))));
    }

    private static bool Supports(Type analyzer, string id) =>
        ((DiagnosticAnalyzer)Activator.CreateInstance(analyzer)!).SupportedDiagnostics.Any(d => d.Id == id);

    private static string Strip(string name, string suffix) =>
        name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : name;

    private static IEnumerable<string> Files(params string[] folder) =>
        Directory.GetFiles(Path.Combine(new[] { s_root }.Concat(folder).ToArray()), "*.cs").Select(Path.GetFileNameWithoutExtension)!;

    private static void AssertFile(params string[] path) =>
        Assert.That(File.Exists(Path.Combine(new[] { s_root }.Concat(path).ToArray())), Is.True, string.Join("/", path));
}
