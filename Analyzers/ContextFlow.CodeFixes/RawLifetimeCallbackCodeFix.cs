using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using ContextFlow.Analyzers;
using ContextFlow.Analyzers.Rules;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContextFlow.CodeFixes;

/// <summary>CTX2003: <c>lifetime.ApplicationStarted.Register(callback)</c> becomes <c>clock.CallWhenRunning(callback)</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawLifetimeCallbackCodeFix)), Shared]
public sealed class RawLifetimeCallbackCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RawLifetimeCallback);

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
            if (!diagnostic.Properties.TryGetValue(Advice.ShapeKey, out var shape) || shape != RawLifetimeCallbackAnalyzer.StartedShape ||
                root.FindNode(diagnostic.Location.SourceSpan, false, true) is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } site)
            {
                continue;
            }

            var callback = site.ArgumentList.Arguments[0].Expression.WithoutTrivia();
            await TargetedFix.RegisterAsync(context, diagnostic, "Use {0}.CallWhenRunning", EquivalenceKeys.UseCallWhenRunningPrefix,
                target => (site, TargetedFix.Call(target, "CallWhenRunning", callback))).ConfigureAwait(false);
        }
    }
}
