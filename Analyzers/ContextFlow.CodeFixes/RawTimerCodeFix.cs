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

namespace ContextFlow.CodeFixes;

/// <summary>
/// CTX2001: a one-shot <c>new Timer(cb, state, due, Infinite)</c> becomes <c>clock.CallLater(due, () => ...)</c>, a
/// periodic one <c>clock.LoopingCall(period, () => ...)</c> (also for <c>TimeProvider.CreateTimer</c>).
/// </summary>
[ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(RawTimerCodeFix)), Shared]
public sealed class RawTimerCodeFix : ContextFlowCodeFixProvider
{
    public RawTimerCodeFix()
        : base(DiagnosticIds.RawTimer)
    {
    }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => TargetedFixAll.Provider;

    private protected override async Task RegisterAsync(FixSite fix)
    {
        var (context, diagnostic, model) = (fix.Context, fix.Diagnostic, fix.Model);
        if (fix.Shape is not { } shape || fix.Node is not ExpressionSyntax site ||
            model.GetOperation(site, context.CancellationToken) is not { } operation)
        {
            return;
        }

        var arguments = operation switch
        {
            IObjectCreationOperation creation => creation.Arguments,
            IInvocationOperation invocation => invocation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };
        var byOrdinal = arguments.Where(a => a.Parameter is not null && !a.IsImplicit).ToDictionary(a => a.Parameter!.Ordinal);
        if (byOrdinal.Count != 4 || byOrdinal[0].Value.Syntax is not ExpressionSyntax callback)
        {
            return;
        }

        var periodic = shape == RawTimerAnalyzer.PeriodicShape;
        var time = byOrdinal[periodic ? 3 : 2].Value;
        var timeSyntax = time is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : time;
        var lambda = TargetedFix.WithoutParameter(callback, byOrdinal[1].Value.Syntax as ExpressionSyntax, model);
        if (lambda is null || timeSyntax.Syntax is not ExpressionSyntax timeExpression)
        {
            return;
        }

        var member = periodic ? "LoopingCall" : "CallLater";
        var span = TargetedFix.AsTimeSpan(timeExpression, timeSyntax.Type);
        await TargetedFix.RegisterAsync(
            context,
            diagnostic,
            "Use {0}." + member,
            EquivalenceKeys.UseClockPrefix,
            target => (site, TargetedFix.Call(target, member, span, lambda))).ConfigureAwait(false);
    }
}
