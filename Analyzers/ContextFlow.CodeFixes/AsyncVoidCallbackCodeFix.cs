using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>
/// CTX3002: gives the lambda the parameters the awaited overload's delegate has beyond the void one's, so that overload
/// binds: <c>RegisterShutdownHandler(async () => ...)</c> becomes <c>RegisterShutdownHandler(async ct => ...)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncVoidCallbackCodeFix)), Shared]
public sealed class AsyncVoidCallbackCodeFix : ContextFlowCodeFixProvider
{
    public AsyncVoidCallbackCodeFix()
        : base(DiagnosticIds.AsyncVoidCallback)
    {
    }

    private protected override async Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic, model) = (fix.Context, fix.Diagnostic, fix.Model);
        if (fix.Shape != AsyncVoidCallbackAnalyzer.LambdaShape || fix.Node is not LambdaExpressionSyntax lambda ||
            !diagnostic.Properties.TryGetValue(AsyncVoidCallbackAnalyzer.AddedParametersKey, out var added) || string.IsNullOrEmpty(added))
        {
            return;
        }

        var existing = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => new List<ParameterSyntax> { simple.Parameter },
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters.ToList(),
            _ => null,
        };
        if (existing is null || existing.Any(p => p.Type is not null))
        {
            return; // an explicitly typed parameter list would need the new parameters' types too
        }

        var taken = new HashSet<string>(existing.Select(p => p.Identifier.ValueText));
        var parameters = existing.Select(p => p.WithoutTrivia())
            .Concat(added!.Split(';').Select(name => Parameter(Identifier(FreeName(model, lambda.SpanStart, name, taken)))))
            .ToList();
        var fixedDocument = context.Document.WithSyntaxRoot(fix.Root.ReplaceNode(lambda, WithParameters(lambda, parameters)));
        if (!await Validation.AddsNoErrorsAsync(context.Document, fixedDocument, context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var names = string.Join(", ", parameters.Skip(existing.Count).Select(p => p.Identifier.ValueText));
        context.RegisterCodeFix(
            CodeAction.Create($"Take '{names}' so the overload that awaits the callback is chosen", _ => Task.FromResult(fixedDocument), EquivalenceKeys.UseAwaitedOverload),
            diagnostic);
    }

    /// <summary>The lambda with <paramref name="parameters"/>: <c>ct => ...</c> for one, <c>(state, ct) => ...</c> for more.</summary>
    private static LambdaExpressionSyntax WithParameters(LambdaExpressionSyntax lambda, List<ParameterSyntax> parameters)
    {
        if (parameters.Count == 1)
        {
            return SimpleLambdaExpression(parameters[0].WithTrailingTrivia(Space))
                .WithModifiers(lambda.Modifiers)
                .WithArrowToken(lambda.ArrowToken)
                .WithBlock(lambda.Block)
                .WithExpressionBody(lambda.ExpressionBody)
                .WithTriviaFrom(lambda);
        }

        var separators = Enumerable.Repeat(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space), parameters.Count - 1);
        return ParenthesizedLambdaExpression(ParameterList(SeparatedList(parameters, separators)).WithTrailingTrivia(Space), lambda.Block, lambda.ExpressionBody)
            .WithModifiers(lambda.Modifiers)
            .WithArrowToken(lambda.ArrowToken)
            .WithTriviaFrom(lambda);
    }

    /// <summary><paramref name="wanted"/> when nothing in scope or in the lambda has that name, else a numbered variant.</summary>
    private static string FreeName(SemanticModel model, int position, string wanted, HashSet<string> taken)
    {
        for (var i = 1; ; i++)
        {
            var name = i == 1 ? wanted : wanted + i;
            if (!taken.Contains(name) && model.LookupSymbols(position, name: name).IsEmpty)
            {
                taken.Add(name);
                return name;
            }
        }
    }
}
