using System.Collections.Immutable;
using System.Composition;
using System.Text;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>
/// CTX3001: a discarded <c>Task.Run(work)</c> or task-returning call becomes
/// <c>_ = backgroundProcesses.RunAsBackgroundProcess("name", ct => ...)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FireAndForgetCodeFix)), Shared]
public sealed class FireAndForgetCodeFix : ContextFlowCodeFixProvider
{
    public FireAndForgetCodeFix()
        : base(DiagnosticIds.FireAndForget)
    {
    }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => TargetedFixAll.Provider;

    private protected override async Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic, model) = (fix.Context, fix.Diagnostic, fix.Model);
        if (fix.Shape is not { } shape || fix.Node is not ExpressionSyntax site)
        {
            return;
        }

        var parameter = FreeParameterName(model, site.SpanStart);
        var work = shape == FireAndForgetAnalyzer.RunShape
            ? site is InvocationExpressionSyntax run ? FromRun(run, parameter) : null
            : FromCall(site, shape == FireAndForgetAnalyzer.ConfiguredCallShape, model, parameter);
        if (work is null)
        {
            return;
        }

        // An expression statement becomes a discard, which is how a started background process is let go.
        // The whole statement is rewritten when there is one, so the simplifier sees a statement of its own.
        SyntaxNode old = site.Parent switch
        {
            ExpressionStatementSyntax statement => statement,
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Parent: ExpressionStatementSyntax statement } => statement,
            _ => site,
        };
        await TargetedFix.RegisterAsync(context, diagnostic, "Run as a background process of {0}", EquivalenceKeys.UseBackgroundProcessPrefix,
            target =>
            {
                var call = TargetedFix.Call(target, "RunAsBackgroundProcess",
                    LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(work.Value.Name)), work.Value.Lambda);
                return old is ExpressionStatementSyntax
                    ? (old, ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, ParseExpression("_"), call)))
                    : (old, call);
            }).ConfigureAwait(false);
    }

    /// <summary><c>Task.Run(() => X())</c>, <c>Task.Run(async () => { ... })</c> or <c>Task.Run(XAsync)</c>.</summary>
    private static (string Name, LambdaExpressionSyntax Lambda)? FromRun(InvocationExpressionSyntax run, string parameter)
    {
        if (run.ArgumentList.Arguments.Count != 1)
        {
            return null;
        }

        switch (run.ArgumentList.Arguments[0].Expression)
        {
            case ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } lambda:
                var name = lambda.ExpressionBody is InvocationExpressionSyntax called ? MethodName(called) : null;
                return (Describe(name ?? "background_work"),
                    SimpleLambdaExpression(Parameter(Identifier(parameter)))
                        .WithAsyncKeyword(lambda.AsyncKeyword)
                        .WithBlock(lambda.Block)
                        .WithExpressionBody(lambda.ExpressionBody?.WithoutTrivia()));
            case IdentifierNameSyntax or MemberAccessExpressionSyntax when MethodName(run.ArgumentList.Arguments[0].Expression) is { } group:
                return (Describe(group), SimpleLambdaExpression(Parameter(Identifier(parameter)),
                    InvocationExpression(run.ArgumentList.Arguments[0].Expression.WithoutTrivia())));
            default:
                return null;
        }
    }

    /// <summary>
    /// A discarded <c>DoAsync(...)</c> or <c>a?.DoAsync(...)</c>, either also behind <c>.ConfigureAwait(...)</c>, which
    /// the process does not need: its work runs in a context of its own. A <c>ValueTask</c> becomes a task with
    /// <c>AsTask()</c>, and the null of a null-conditional call a completed task.
    /// </summary>
    private static (string Name, LambdaExpressionSyntax Lambda)? FromCall(ExpressionSyntax site, bool configured, SemanticModel model, string parameter)
    {
        var call = LastInChain(site);
        if (configured)
        {
            call = call is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configureAwait }
                ? configureAwait.Expression
                : null;
        }

        if (call is null || MethodName(call) is not { } name)
        {
            return null;
        }

        var work = MapLastInChain(site.WithoutTrivia(), _ => call.WithoutTrivia());
        if (model.GetTypeInfo(call).Type?.OriginalDefinition is { } type &&
            (SymbolEqualityComparer.Default.Equals(type, model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask")) ||
             SymbolEqualityComparer.Default.Equals(type, model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1"))))
        {
            work = MapLastInChain(work, last => InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, last, IdentifierName("AsTask"))));
        }

        if (site is ConditionalAccessExpressionSyntax)
        {
            work = BinaryExpression(SyntaxKind.CoalesceExpression, work, ParseExpression("System.Threading.Tasks.Task.CompletedTask"));
        }

        return (Describe(name), SimpleLambdaExpression(Parameter(Identifier(parameter)), work));
    }

    /// <summary>The call at the end of a null-conditional chain (<c>.B()</c> of <c>a?.B()</c>), or the expression itself.</summary>
    private static ExpressionSyntax LastInChain(ExpressionSyntax expression) =>
        expression is ConditionalAccessExpressionSyntax access ? LastInChain(access.WhenNotNull) : expression;

    private static ExpressionSyntax MapLastInChain(ExpressionSyntax expression, System.Func<ExpressionSyntax, ExpressionSyntax> map) =>
        expression is ConditionalAccessExpressionSyntax access ? access.WithWhenNotNull(MapLastInChain(access.WhenNotNull, map)) : map(expression);

    private static string? MethodName(ExpressionSyntax expression) => expression switch
    {
        InvocationExpressionSyntax invocation => MethodName(invocation.Expression),
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        ConditionalAccessExpressionSyntax access => MethodName(LastInChain(access)),
        _ => null,
    };

    /// <summary>"SendEmailsAsync" → "send_emails": the process description, Synapse style.</summary>
    internal static string Describe(string methodName)
    {
        if (methodName.EndsWith("Async", System.StringComparison.Ordinal) && methodName.Length > 5)
        {
            methodName = methodName.Substring(0, methodName.Length - 5);
        }

        var text = new StringBuilder();
        for (var i = 0; i < methodName.Length; i++)
        {
            var c = methodName[i];
            if (char.IsUpper(c) && i > 0 && methodName[i - 1] != '_')
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private static string FreeParameterName(SemanticModel model, int position)
    {
        foreach (var name in new[] { "ct", "cancellationToken" })
        {
            if (model.LookupSymbols(position, name: name).IsEmpty)
            {
                return name;
            }
        }

        return "_";
    }
}
