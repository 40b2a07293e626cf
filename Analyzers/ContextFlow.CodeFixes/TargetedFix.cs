using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>
/// Shared plumbing of the fixes that route work through a target found by the analyzer (a Clock, a
/// BackgroundProcesses, a Server's property): one validated fix per target, keyed by the target; Fix All
/// (<see cref="TargetedFixAll"/>) keeps the chosen target where a site reaches it and takes the site's own elsewhere.
/// </summary>
internal static class TargetedFix
{
    /// <summary>
    /// Registers one fix per target carried by the diagnostic; <paramref name="rewrite"/> returns the node to replace
    /// and its replacement, and <paramref name="addUsing"/> names a namespace the replacement needs imported.
    /// </summary>
    public static async Task RegisterAsync(
        CodeFixContext context,
        Diagnostic diagnostic,
        string titleFormat,
        string keyPrefix,
        Func<ExpressionSyntax, (SyntaxNode Old, SyntaxNode New)?> rewrite,
        string? addUsing = null)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var target in InjectionTargets.From(diagnostic))
        {
            if (rewrite(ParseExpression(target)) is not { } change)
            {
                continue;
            }

            var replacement = change.New.WithTriviaFrom(change.Old).WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            var newRoot = root.ReplaceNode(change.Old, replacement);
            var fixedDocument = context.Document.WithSyntaxRoot(addUsing is null ? newRoot : WithUsing(newRoot, addUsing));
            if (!await Validation.AddsNoErrorsAsync(context.Document, fixedDocument, context.CancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(string.Format(titleFormat, target), _ => Task.FromResult(fixedDocument), keyPrefix + target),
                diagnostic);
        }
    }

    /// <summary>
    /// True when <paramref name="type"/> (such as <c>ContextFlow.Background.ContextTasks</c>, whose extension methods a
    /// fix calls) is not in scope by its simple name at <paramref name="position"/>: its namespace needs a using.
    /// </summary>
    public static bool NeedsUsing(SemanticModel model, int position, INamedTypeSymbol type) =>
        !model.LookupNamespacesAndTypes(position, name: type.Name).Any(found => SymbolEqualityComparer.Default.Equals(found, type));

    /// <summary>
    /// The root with <c>using <paramref name="ns"/>;</c> among the file's using directives: after the <c>System</c>
    /// ones, before the first that sorts after it.
    /// </summary>
    private static SyntaxNode WithUsing(SyntaxNode root, string ns)
    {
        if (root is not CompilationUnitSyntax unit)
        {
            return root;
        }

        var usings = unit.Usings;
        var index = usings.Count;
        for (var i = 0; i < usings.Count; i++)
        {
            var name = usings[i].Name?.ToString() ?? "";
            if (usings[i].Alias is null && usings[i].StaticKeyword.RawKind == 0 && !IsSystem(name) &&
                string.CompareOrdinal(name, ns) > 0)
            {
                index = i;
                break;
            }
        }

        var newLine = usings.Count > 0 ? usings[usings.Count - 1].GetTrailingTrivia() : TriviaList(ElasticCarriageReturnLineFeed);
        var directive = UsingDirective(ParseName(ns).WithLeadingTrivia(Space)).WithTrailingTrivia(newLine);
        if (index < usings.Count)
        {
            // The directive that now comes second keeps its place's leading trivia (a comment, a blank line) for the new one.
            directive = directive.WithLeadingTrivia(usings[index].GetLeadingTrivia());
            usings = usings.Replace(usings[index], usings[index].WithLeadingTrivia());
        }

        return unit.WithUsings(usings.Insert(index, directive));

        static bool IsSystem(string name) => name == "System" || name.StartsWith("System.", StringComparison.Ordinal);
    }

    /// <summary>The expression as a <c>TimeSpan</c>: as it is, or milliseconds through <c>TimeSpan.FromMilliseconds</c>.</summary>
    public static ExpressionSyntax AsTimeSpan(ExpressionSyntax expression, ITypeSymbol? type)
    {
        if (type is { Name: "TimeSpan", ContainingNamespace.Name: "System" })
        {
            return expression.WithoutTrivia();
        }

        return InvocationExpression(ParseExpression("System.TimeSpan.FromMilliseconds").WithAdditionalAnnotations(Simplifier.Annotation))
            .AddArgumentListArguments(Argument(expression.WithoutTrivia()));
    }

    /// <summary><c>target.member(arguments)</c>.</summary>
    public static InvocationExpressionSyntax Call(ExpressionSyntax target, string member, params ExpressionSyntax[] arguments) =>
        InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(member)),
            ArgumentList(SeparatedList(arguments.Select(Argument))));

    /// <summary>
    /// A parameterless lambda doing what a one-parameter callback did: the body of a lambda whose parameter is unused,
    /// or a call of the callback with <paramref name="state"/>; null when neither is possible.
    /// </summary>
    public static LambdaExpressionSyntax? WithoutParameter(ExpressionSyntax callback, ExpressionSyntax? state, SemanticModel model)
    {
        switch (callback)
        {
            case SimpleLambdaExpressionSyntax simple when !Uses(simple.Body, simple.Parameter, model):
                return ParenthesizedLambdaExpression(ParameterList(), simple.Block, simple.ExpressionBody)
                    .WithAsyncKeyword(simple.AsyncKeyword);
            case ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } lambda
                when !Uses(lambda.Body, lambda.ParameterList.Parameters[0], model):
                return lambda.WithParameterList(ParameterList()).WithoutTrivia();
            case LambdaExpressionSyntax or AnonymousMethodExpressionSyntax:
                return null;
            default:
                return ParenthesizedLambdaExpression(InvocationExpression(
                    callback.WithoutTrivia(),
                    ArgumentList(SingletonSeparatedList(Argument(state?.WithoutTrivia() ?? LiteralExpression(SyntaxKind.NullLiteralExpression))))));
        }
    }

    private static bool Uses(CSharpSyntaxNode body, ParameterSyntax parameter, SemanticModel model)
    {
        var symbol = model.GetDeclaredSymbol(parameter);
        return body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Any(name => name.Identifier.ValueText == parameter.Identifier.ValueText &&
                         SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, symbol));
    }
}
