using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContextFlow.Analyzers.Internals;

/// <summary>
/// The shape every rule shares: one descriptor, concurrent execution, the generated-code setting of
/// <see cref="GeneratedCode"/>, and a start per compilation that references ContextFlow, given its
/// <see cref="RuleCompilation"/>. A rule registers its callbacks in <see cref="Start"/>, usually as methods of a small
/// per-compilation context object.
/// </summary>
public abstract class ContextFlowAnalyzer : DiagnosticAnalyzer
{
    private protected ContextFlowAnalyzer(DiagnosticDescriptor descriptor) => SupportedDiagnostics = ImmutableArray.Create(descriptor);

    /// <inheritdoc />
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    /// <summary>What the rule passes to <see cref="AnalysisContext.ConfigureGeneratedCodeAnalysis"/>.</summary>
    private protected virtual GeneratedCodeAnalysisFlags GeneratedCodeAnalysis => GeneratedCode.Flags;

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysis);
        context.RegisterCompilationStartAction(start =>
        {
            if (RuleCompilation.For(start.Compilation) is { } compilation)
            {
                Start(start, compilation);
            }
        });
    }

    private protected abstract void Start(CompilationStartAnalysisContext start, RuleCompilation compilation);
}
