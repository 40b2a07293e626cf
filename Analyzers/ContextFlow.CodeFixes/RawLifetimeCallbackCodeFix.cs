using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContextFlow.CodeFixes;

/// <summary>CTX2003: <c>lifetime.ApplicationStarted.Register(callback)</c> becomes <c>clock.CallWhenRunning(callback)</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawLifetimeCallbackCodeFix)), Shared]
public sealed class RawLifetimeCallbackCodeFix : ContextFlowCodeFixProvider
{
    public RawLifetimeCallbackCodeFix()
        : base(DiagnosticIds.RawLifetimeCallback)
    {
    }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => TargetedFixAll.Provider;

    private protected override async Task RegisterAsync(FixSite fix)
    {
        if (fix.Shape != RawLifetimeCallbackAnalyzer.StartedShape || fix.Node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } site)
        {
            return;
        }

        var callback = site.ArgumentList.Arguments[0].Expression.WithoutTrivia();
        await TargetedFix.RegisterAsync(fix.Context, fix.Diagnostic, "Use {0}.CallWhenRunning", EquivalenceKeys.UseCallWhenRunningPrefix,
            target => (site, TargetedFix.Call(target, "CallWhenRunning", callback))).ConfigureAwait(false);
    }
}
