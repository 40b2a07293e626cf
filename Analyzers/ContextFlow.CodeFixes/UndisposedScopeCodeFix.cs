using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>CTX1001: declares the scope with <c>using</c> (<c>using var scope = ctx.Enter();</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UndisposedScopeCodeFix)), Shared]
public sealed class UndisposedScopeCodeFix : ContextFlowCodeFixProvider
{
    private const string Title = "Dispose the scope with 'using'";

    public UndisposedScopeCodeFix()
        : base(DiagnosticIds.UndisposedScope)
    {
    }

    // Fixes in one block must not pick the same local name, so Fix All applies them one after another per document.
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    private protected override Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic) = (fix.Context, fix.Diagnostic);
        if (FindStatement(fix.Root, diagnostic) is not null)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => FixAsync(context.Document, new[] { diagnostic }, ct), EquivalenceKeys.AddUsing),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics) =>
        await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false);

    private static async Task<Document> FixAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        var taken = new HashSet<string>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            switch (FindStatement(root, diagnostic))
            {
                case LocalDeclarationStatementSyntax declaration:
                    editor.ReplaceNode(declaration, declaration
                        .WithoutLeadingTrivia()
                        .WithUsingKeyword(Token(declaration.GetLeadingTrivia(), SyntaxKind.UsingKeyword, TriviaList(Space))));
                    break;
                case ExpressionStatementSyntax statement:
                    var call = statement.Expression is AssignmentExpressionSyntax assignment ? assignment.Right : statement.Expression;
                    var name = FreeName(model, statement.SpanStart, taken);
                    var replacement = LocalDeclarationStatement(
                            VariableDeclaration(IdentifierName("var"))
                                .AddVariables(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(call.WithoutTrivia()))))
                        .WithUsingKeyword(Token(SyntaxKind.UsingKeyword))
                        .WithTriviaFrom(statement)
                        .NormalizeWhitespace()
                        .WithTriviaFrom(statement);
                    editor.ReplaceNode(statement, replacement);
                    break;
            }
        }

        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    /// <summary>The statement to rewrite, when the scope sits where a using declaration is allowed.</summary>
    private static StatementSyntax? FindStatement(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(Advice.ShapeKey, out var shape))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, false, true);
        StatementSyntax? statement = shape switch
        {
            UndisposedScopeAnalyzer.DiscardedShape => node.FirstAncestorOrSelf<ExpressionStatementSyntax>(),
            UndisposedScopeAnalyzer.LocalShape => node.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { UsingKeyword.RawKind: 0, Declaration.Variables.Count: 1 } local ? local : null,
            _ => null,
        };
        return statement?.Parent is BlockSyntax ? statement : null;
    }

    private static string FreeName(SemanticModel model, int position, HashSet<string> taken)
    {
        for (var i = 1; ; i++)
        {
            var name = i == 1 ? "scope" : "scope" + i;
            if (!taken.Contains(name) && model.LookupSymbols(position, name: name).IsEmpty)
            {
                taken.Add(name);
                return name;
            }
        }
    }
}
