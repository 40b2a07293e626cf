using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ContextFlow.Analyzers.Tests.Support;
using System.Text.RegularExpressions;
using ContextFlow.Generators;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Analyzers.Tests.Generators;

/// <summary>Every generator-usage rule is in its band, documented, listed and tracked.</summary>
public sealed class GeneratorRuleMetadataTests
{
    private static readonly string s_repositoryRoot = TestReferences.RepositoryRoot;

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() => new GeneratorUsageAnalyzer().SupportedDiagnostics;

    private static IEnumerable<TestCaseData> Rules() => AllDescriptors().Select(d => new TestCaseData(d).SetArgDisplayNames(d.Id));

    [Test]
    public void Every9xxxId_IsReportedByTheAnalyzer_AndNothingElse()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(id => Regex.IsMatch(id, "^CTX9[0-9]{3}$"))
            .ToList();

        Assert.That(ids, Is.Not.Empty);
        Assert.That(AllDescriptors().Select(d => d.Id), Is.EquivalentTo(ids));
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
        var page = Path.Combine(s_repositoryRoot, "docs", "rules", descriptor.Id + ".md");
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
        var readme = File.ReadAllText(Path.Combine(s_repositoryRoot, "README.md"));
        var table = readme[readme.IndexOf("## Generator rules", StringComparison.Ordinal)..];

        Assert.That(table, Does.Contain($"| {descriptor.Id} | {descriptor.Title} | Error |"));
        Assert.That(table, Does.Contain($"[{descriptor.Id}](docs/rules/{descriptor.Id}.md)"));
    }

    [TestCaseSource(nameof(Rules))]
    public void UnshippedReleases_ListTheRule(DiagnosticDescriptor descriptor)
    {
        var unshipped = File.ReadAllLines(Path.Combine(s_repositoryRoot, "Generators", "ContextFlow.Generators", "AnalyzerReleases.Unshipped.md"));

        Assert.That(unshipped, Has.One.StartsWith($"{descriptor.Id} | {descriptor.Category} | Error |"));
    }
}
