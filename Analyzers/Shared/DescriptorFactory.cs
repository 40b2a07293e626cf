using Microsoft.CodeAnalysis;

// Linked into both Roslyn assemblies, as DiagnosticIds.cs is.
#if CONTEXTFLOW_GENERATORS
namespace ContextFlow.Generators;
#else
namespace ContextFlow.Analyzers;
#endif

/// <summary>Builds every ContextFlow <see cref="DiagnosticDescriptor"/>: an error by default, linking to its rule page.</summary>
internal static class DescriptorFactory
{
    /// <summary>Where the rule pages live; the help link of rule X is <c>{HelpLinkBase}X.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/contextflow/contextflow/blob/main/docs/rules/";

    public const string ContextCategory = "ContextFlow.Context";
    public const string TimeCategory = "ContextFlow.Time";
    public const string BackgroundCategory = "ContextFlow.Background";
    public const string GeneratorsCategory = "ContextFlow.Generators";

    /// <summary>The help link of a rule.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    public static DiagnosticDescriptor Create(string id, string category, string title, string message, string description) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, description, HelpLink(id));
}
