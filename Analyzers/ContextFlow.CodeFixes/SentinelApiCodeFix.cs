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
public sealed class SentinelApiCodeFix : ContextFlowCodeFixProvider
{
    public SentinelApiCodeFix()
        : base(DiagnosticIds.SentinelApi)
    {
    }

    private protected override async Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic) = (fix.Context, fix.Diagnostic);
        if (!diagnostic.Properties.TryGetValue(SentinelApiAnalyzer.FlowingKey, out var flowing) || string.IsNullOrEmpty(flowing) ||
            fix.Node is not InvocationExpressionSyntax invocation)
        {
            return;
        }

        SimpleNameSyntax? name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        if (name is null)
        {
            return;
        }

        var newRoot = fix.Root.ReplaceNode(name, IdentifierName(flowing!).WithTriviaFrom(name));
        var fixedDocument = context.Document.WithSyntaxRoot(newRoot);
        if (!await Validation.AddsNoErrorsAsync(context.Document, fixedDocument, context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create($"Use '{flowing}'", _ => Task.FromResult(fixedDocument), EquivalenceKeys.UseFlowingVariant),
            diagnostic);
    }
}
