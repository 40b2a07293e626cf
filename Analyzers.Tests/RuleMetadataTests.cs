using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ContextFlow.Analyzers.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContextFlow.Analyzers.Tests;

/// <summary>Every rule is documented, listed and tracked: help link, docs page, README row, release entry.</summary>
public sealed class RuleMetadataTests
{
    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        typeof(Descriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .Distinct();

    private static IEnumerable<TestCaseData> Rules() =>
        AllDescriptors().Select(d => new TestCaseData(d).SetArgDisplayNames(d.Id));

    [Test]
    public void EveryRuleId_HasExactlyOneAnalyzer()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(id => !id.StartsWith("CTX9", StringComparison.Ordinal));

        Assert.That(AllDescriptors().Select(d => d.Id), Is.EquivalentTo(ids));
    }

    [Test]
    public void CodeFixProviders_CoverExactlyTheRulesWithAFix()
    {
        var fixable = typeof(ContextFlow.CodeFixes.RawTimerCodeFix).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider).IsAssignableFrom(t))
            .SelectMany(t => ((Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider)Activator.CreateInstance(t)!).FixableDiagnosticIds);
        var withoutFix = new[] { DiagnosticIds.ContextBoundaryWithoutReason, DiagnosticIds.ClockOutsideServer };

        Assert.That(fixable, Is.Unique);
        Assert.That(fixable, Is.EquivalentTo(AllDescriptors().Select(d => d.Id).Except(withoutFix)));
    }

    [TestCaseSource(nameof(Rules))]
    public void HelpLink_PointsAtTheRulePage(DiagnosticDescriptor descriptor)
    {
        Assert.That(descriptor.HelpLinkUri, Does.EndWith($"docs/rules/{descriptor.Id}.md"));
        Assert.That(Uri.IsWellFormedUriString(descriptor.HelpLinkUri, UriKind.Absolute), Is.True);
    }

    [TestCaseSource(nameof(Rules))]
    public void DefaultSeverity_IsError(DiagnosticDescriptor descriptor)
    {
        Assert.That(descriptor.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Error));
        Assert.That(descriptor.IsEnabledByDefault, Is.True);
    }

    [TestCaseSource(nameof(Rules))]
    public void DocPage_ExistsWithEverySection(DiagnosticDescriptor descriptor)
    {
        var page = Path.Combine(TestReferences.RepositoryRoot, "docs", "rules", descriptor.Id + ".md");
        Assert.That(File.Exists(page), Is.True, page);

        var text = File.ReadAllText(page);
        Assert.That(text, Does.StartWith($"# {descriptor.Id}: {descriptor.Title}"));
        foreach (var section in new[] { "## Why", "## Flagged", "## Preferred", "## Configuration", "## Code fix" })
        {
            Assert.That(text, Does.Contain(section), section);
        }
    }

    [TestCaseSource(nameof(Rules))]
    public void ReadmeRuleTable_HasTheRow(DiagnosticDescriptor descriptor)
    {
        var readme = File.ReadAllText(Path.Combine(TestReferences.RepositoryRoot, "README.md"));
        var table = readme[readme.IndexOf("## Rules", StringComparison.Ordinal)..];

        Assert.That(table, Does.Contain($"| {descriptor.Id} | {descriptor.Title} | Error |"));
        Assert.That(table, Does.Contain($"[{descriptor.Id}](docs/rules/{descriptor.Id}.md)"));
    }

    [TestCaseSource(nameof(Rules))]
    public void UnshippedReleases_ListTheRule(DiagnosticDescriptor descriptor)
    {
        var unshipped = File.ReadAllLines(Path.Combine(TestReferences.RepositoryRoot, "Analyzers", "ContextFlow.Analyzers", "AnalyzerReleases.Unshipped.md"));

        Assert.That(unshipped, Has.One.StartsWith($"{descriptor.Id} | {descriptor.Category} | Error |"));
    }
}
