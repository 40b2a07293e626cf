using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>
/// CTX2002: <c>Task.Delay(d[, ct])</c> becomes <c>clock.SleepAsync(d[, ct])</c>, and the method group
/// <c>clock.SleepAsync</c> (or a lambda calling it); a discarded <c>Task.Delay(d).ContinueWith(_ => work)</c> becomes
/// <c>clock.CallLater(d, () => work)</c>; <c>Thread.Sleep(d);</c> in async code becomes
/// <c>await clock.SleepAsync(d);</c>; <c>task.WaitAsync(timeout[, ct])</c> becomes
/// <c>task[.WaitAsync(ct)].TimeoutAsync(timeout, clock)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawDelayCodeFix)), Shared]
public sealed class RawDelayCodeFix : ContextFlowCodeFixProvider
{
    public RawDelayCodeFix()
        : base(DiagnosticIds.RawDelay)
    {
    }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => TargetedFixAll.Provider;

    private protected override async Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic, model) = (fix.Context, fix.Diagnostic, fix.Model);
        if (fix.Shape == RawDelayAnalyzer.MethodGroupShape)
        {
            await RegisterMethodGroupAsync(fix).ConfigureAwait(false);
            return;
        }

        if (fix.Shape is not { } shape || fix.Node is not InvocationExpressionSyntax site ||
            model.GetOperation(site, context.CancellationToken) is not IInvocationOperation invocation)
        {
            return;
        }

        var arguments = invocation.Arguments.Where(a => !a.IsImplicit && a.Parameter is not null).ToDictionary(a => a.Parameter!.Name);
        var delay = Argument(arguments, "delay") ?? Argument(arguments, "millisecondsDelay") ??
                    Argument(arguments, "timeout") ?? Argument(arguments, "millisecondsTimeout");
        if (delay is null)
        {
            return;
        }

        var sleepArguments = new List<ExpressionSyntax> { delay };
        var token = Argument(arguments, "cancellationToken");
        if (token is not null)
        {
            sleepArguments.Add(token);
        }

        switch (shape)
        {
            case RawDelayAnalyzer.DelayShape:
                await TargetedFix.RegisterAsync(context, diagnostic, "Use {0}.SleepAsync", EquivalenceKeys.UseClockPrefix,
                    target => (site, TargetedFix.Call(target, "SleepAsync", sleepArguments.ToArray()))).ConfigureAwait(false);
                break;
            case RawDelayAnalyzer.SleepShape when site.Parent is ExpressionStatementSyntax statement:
                await TargetedFix.RegisterAsync(context, diagnostic, "Use await {0}.SleepAsync", EquivalenceKeys.UseClockPrefix,
                    target => (statement, ExpressionStatement(AwaitExpression(TargetedFix.Call(target, "SleepAsync", sleepArguments.ToArray()))))).ConfigureAwait(false);
                break;
            case RawDelayAnalyzer.WaitAsyncShape
                when site.Expression is MemberAccessExpressionSyntax { Expression: { } task } &&
                     model.Compilation.GetTypeByMetadataName("ContextFlow.Background.ContextTasks") is { } contextTasks:
                // WaitAsync(timeout, ct) ends at the token too: the token's wait stays, the timeout moves to the clock.
                var awaited = token is null ? task.WithoutTrivia() : TargetedFix.Call(task.WithoutTrivia(), "WaitAsync", token);
                await TargetedFix.RegisterAsync(context, diagnostic, "Use TimeoutAsync on {0}", EquivalenceKeys.UseClockPrefix,
                    target => (site, TargetedFix.Call(awaited, "TimeoutAsync", delay, target)),
                    TargetedFix.NeedsUsing(model, site.SpanStart, contextTasks) ? contextTasks.ContainingNamespace.ToDisplayString() : null).ConfigureAwait(false);
                break;
            case RawDelayAnalyzer.ContinueWithShape
                when site.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } continueWith } &&
                     TargetedFix.WithoutParameter(continueWith.ArgumentList.Arguments[0].Expression, null, model) is { } callback &&
                     continueWith.ArgumentList.Arguments[0].Expression is LambdaExpressionSyntax:
                await TargetedFix.RegisterAsync(context, diagnostic, "Use {0}.CallLater", EquivalenceKeys.UseClockPrefix,
                    target => (continueWith, TargetedFix.Call(target, "CallLater", delay, callback))).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// <c>Task.Delay</c> as a delegate: <c>clock.SleepAsync</c> where the delegate takes a <c>TimeSpan</c> and a token
    /// as SleepAsync does, a lambda calling it for the other shapes.
    /// </summary>
    private static async Task RegisterMethodGroupAsync(FixSite fix)
    {
        if (fix.Node is not ExpressionSyntax group ||
            !fix.Diagnostic.Properties.TryGetValue(RawDelayAnalyzer.DelegateParametersKey, out var parameters) || parameters is null)
        {
            return;
        }

        var milliseconds = TargetedFix.AsTimeSpan(IdentifierName("ms"), null);
        Func<ExpressionSyntax, ExpressionSyntax>? replacement = parameters switch
        {
            "TimeSpan;CancellationToken" => target => MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName("SleepAsync")),
            "TimeSpan" => target => SimpleLambdaExpression(Parameter(Identifier("delay")), TargetedFix.Call(target, "SleepAsync", IdentifierName("delay"))),
            "int" => target => SimpleLambdaExpression(Parameter(Identifier("ms")), TargetedFix.Call(target, "SleepAsync", milliseconds)),
            "int;CancellationToken" => target => ParenthesizedLambdaExpression(
                ParameterList(SeparatedList(new[] { Parameter(Identifier("ms")), Parameter(Identifier("ct")) })),
                TargetedFix.Call(target, "SleepAsync", milliseconds, IdentifierName("ct"))),
            _ => null,
        };
        if (replacement is not null)
        {
            await TargetedFix.RegisterAsync(fix.Context, fix.Diagnostic, "Use {0}.SleepAsync", EquivalenceKeys.UseClockPrefix,
                target => (group, replacement(target))).ConfigureAwait(false);
        }
    }

    private static ExpressionSyntax? Argument(Dictionary<string, IArgumentOperation> arguments, string name)
    {
        if (!arguments.TryGetValue(name, out var argument))
        {
            return null;
        }

        var value = argument.Value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : argument.Value;
        if (value.Syntax is not ExpressionSyntax expression)
        {
            return null;
        }

        return name is "cancellationToken" ? expression.WithoutTrivia() : TargetedFix.AsTimeSpan(expression, value.Type);
    }
}
