using System.Collections.Immutable;
using System.Threading.Tasks;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ContextFlow.CodeFixes;

/// <summary>
/// The prologue every fix shares: one rule, Fix All by batch unless a fix says otherwise, the document's root and
/// semantic model read once, and for each diagnostic the node it was reported on and the shape the analyzer found.
/// </summary>
public abstract class ContextFlowCodeFixProvider : CodeFixProvider
{
    private protected ContextFlowCodeFixProvider(string diagnosticId) => FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            diagnostic.Properties.TryGetValue(Advice.ShapeKey, out var shape);
            var node = root.FindNode(diagnostic.Location.SourceSpan, false, true);
            await RegisterAsync(new FixSite(context, diagnostic, root, model, node, shape)).ConfigureAwait(false);
        }
    }

    /// <summary>Registers the fixes for one diagnostic, or none when the site is not one the fix can rewrite.</summary>
    private protected abstract Task RegisterAsync(FixSite site);
}

/// <summary>One diagnostic to fix, with what every fix reads first.</summary>
/// <param name="Node">The node the diagnostic was reported on (for an argument, the argument's expression).</param>
/// <param name="Shape">The shape the analyzer recorded in <see cref="Diagnostic.Properties"/>, if any.</param>
internal sealed record FixSite(CodeFixContext Context, Diagnostic Diagnostic, SyntaxNode Root, SemanticModel Model, SyntaxNode Node, string? Shape);
