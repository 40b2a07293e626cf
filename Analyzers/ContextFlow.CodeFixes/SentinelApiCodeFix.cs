using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>CTX1002: replaces an <c>Unsafe*</c> call with its flowing variant (<c>UnsafeRegister</c> → <c>Register</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SentinelApiCodeFix)), Shared]
public sealed class SentinelApiCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SentinelApi);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(SentinelApiAnalyzer.FlowingKey, out var flowing) || string.IsNullOrEmpty(flowing) ||
                root.FindNode(diagnostic.Location.SourceSpan, false, true) is not InvocationExpressionSyntax invocation)
            {
                continue;
            }

            SimpleNameSyntax? name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            if (name is null)
            {
                continue;
            }

            var newRoot = root.ReplaceNode(name, IdentifierName(flowing!).WithTriviaFrom(name));
            var fixedDocument = context.Document.WithSyntaxRoot(newRoot);
            if (!await Validation.AddsNoErrorsAsync(context.Document, fixedDocument, context.CancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Use '{flowing}'", _ => Task.FromResult(fixedDocument), EquivalenceKeys.UseFlowingVariant),
                diagnostic);
        }
    }
}
