using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace ContextFlow.CodeFixes;

/// <summary>
/// Fix All for the fixes that route work through a target (<see cref="TargetedFix"/>): each site gets the target that
/// was chosen (<c>ContextFlow.UseClock:_clock</c>) when it can reach it, and otherwise its own first target, so one pass
/// fixes every site that has any. <c>dotnet format</c> starts Fix All with the first fix of the first diagnostic; a
/// batch fixer keyed by that target would leave every site that reaches another one for a later run.
/// </summary>
/// <remarks>
/// Each site's fix is computed on the document as it was, as the batch fixer does, and the text changes are merged:
/// a fix whose changes overlap those of a fix already taken (other than by the very same change, such as the same
/// using directive added) is left out, and its site keeps its diagnostic for the next pass.
/// </remarks>
internal static class TargetedFixAll
{
    public static FixAllProvider Provider { get; } = FixAllProvider.Create(
        FixDocumentAsync,
        ImmutableArray.Create(FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution));

    private static async Task<Document?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var taken = new List<TextChange>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (await ChooseAsync(context, document, diagnostic).ConfigureAwait(false) is not { } action ||
                await ChangedDocumentAsync(action, document, context.CancellationToken).ConfigureAwait(false) is not { } changed)
            {
                continue;
            }

            var changes = (await changed.GetTextChangesAsync(document, context.CancellationToken).ConfigureAwait(false)).ToList();
            if (changes.All(change => taken.All(other => change.Equals(other) || !Conflict(change, other))))
            {
                taken.AddRange(changes.Where(change => !taken.Contains(change)));
            }
        }

        if (taken.Count == 0)
        {
            return document;
        }

        var text = await document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        return document.WithText(text.WithChanges(taken.OrderBy(change => change.Span.Start)));
    }

    /// <summary>The site's fix with the chosen key; else its first fix of the same kind (the key up to the target).</summary>
    private static async Task<CodeAction?> ChooseAsync(FixAllContext context, Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        await context.CodeFixProvider.RegisterCodeFixesAsync(
            new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), context.CancellationToken)).ConfigureAwait(false);

        var key = context.CodeActionEquivalenceKey;
        if (key is null)
        {
            return actions.FirstOrDefault();
        }

        var kind = key.Substring(0, key.IndexOf(':') + 1);
        return actions.FirstOrDefault(a => a.EquivalenceKey == key) ??
               (kind.Length == 0 ? null : actions.FirstOrDefault(a => a.EquivalenceKey?.StartsWith(kind, System.StringComparison.Ordinal) == true));
    }

    private static async Task<Document?> ChangedDocumentAsync(CodeAction action, Document document, CancellationToken cancellationToken)
    {
        foreach (var operation in await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (operation is ApplyChangesOperation apply)
            {
                return apply.ChangedSolution.GetDocument(document.Id);
            }
        }

        return null;
    }

    /// <summary>Two changes that cannot both apply: they overlap, or one inserts where the other edits.</summary>
    private static bool Conflict(TextChange a, TextChange b) =>
        a.Span.OverlapsWith(b.Span) || ((a.Span.IsEmpty || b.Span.IsEmpty) && a.Span.IntersectsWith(b.Span));
}
