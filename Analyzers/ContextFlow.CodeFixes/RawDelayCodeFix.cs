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
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ContextFlow.CodeFixes;

/// <summary>
/// CTX2002: <c>Task.Delay(d[, ct])</c> becomes <c>clock.SleepAsync(d[, ct])</c>; a discarded
/// <c>Task.Delay(d).ContinueWith(_ => work)</c> becomes <c>clock.CallLater(d, () => work)</c>; <c>Thread.Sleep(d);</c>
/// in async code becomes <c>await clock.SleepAsync(d);</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawDelayCodeFix)), Shared]
public sealed class RawDelayCodeFix : ContextFlowCodeFixProvider
{
    public RawDelayCodeFix()
        : base(DiagnosticIds.RawDelay)
    {
    }

    private protected override async Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic, model) = (fix.Context, fix.Diagnostic, fix.Model);
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
        if (Argument(arguments, "cancellationToken") is { } token)
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
            case RawDelayAnalyzer.ContinueWithShape
                when site.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } continueWith } &&
                     TargetedFix.WithoutParameter(continueWith.ArgumentList.Arguments[0].Expression, null, model) is { } callback &&
                     continueWith.ArgumentList.Arguments[0].Expression is LambdaExpressionSyntax:
                await TargetedFix.RegisterAsync(context, diagnostic, "Use {0}.CallLater", EquivalenceKeys.UseClockPrefix,
                    target => (continueWith, TargetedFix.Call(target, "CallLater", delay, callback))).ConfigureAwait(false);
                break;
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
