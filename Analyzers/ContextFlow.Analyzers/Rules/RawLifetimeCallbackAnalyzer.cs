using System.Collections.Immutable;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2003: callbacks registered on <c>IHostApplicationLifetime.ApplicationStarted</c>, <c>ApplicationStopping</c> or
/// <c>ApplicationStopped</c> outside a <c>[ContextBoundary]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawLifetimeCallbackAnalyzer : ContextFlowAnalyzer
{
    /// <summary><c>ApplicationStarted.Register(callback)</c>: becomes <c>clock.CallWhenRunning(callback)</c>.</summary>
    public const string StartedShape = "Started";

    /// <summary><c>ApplicationStopping</c>/<c>ApplicationStopped</c>: belongs in a server shutdown handler (no fix).</summary>
    public const string StoppingShape = "Stopping";

    private const string InjectClock = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and use its CallWhenRunning";

    // Where the process is marked running in a Generic Host application, which is what makes CallWhenRunning fire.
    private const string HostIntegration = "; in a Generic Host application services.AddContextFlow() marks the process running when the host has started (IHostedLifecycleService.StartedAsync)";
    private const string UseShutdownHandler = "register a shutdown handler on the ContextFlow.Hosting.Server instead";

    public RawLifetimeCallbackAnalyzer()
        : base(Descriptors.RawLifetimeCallback)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        if (compilation.Types.HostApplicationLifetime is not null && compilation.Types.CancellationToken is not null)
        {
            start.RegisterOperationAction(new Context(compilation).AnalyzeInvocation, OperationKind.Invocation);
        }
    }

    private sealed class Context(RuleCompilation compilation)
    {
        private readonly ContextFlowTypes _types = compilation.Types;

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name is not ("Register" or "UnsafeRegister") || !ContextFlowTypes.Is(method.ContainingType, _types.CancellationToken) ||
                invocation.Instance?.WalkDownConversions() is not IPropertyReferenceOperation token)
            {
                return;
            }

            var property = token.Property;
            var shape = property.Name switch
            {
                "ApplicationStarted" => StartedShape,
                "ApplicationStopping" or "ApplicationStopped" => StoppingShape,
                _ => null,
            };
            if (shape is null || !IsLifetime(property.ContainingType, _types.HostApplicationLifetime!) ||
                compilation.IsExempt(invocation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var targets = shape == StartedShape
                ? compilation.ClockTargets.Find(invocation, ContextBoundary.Enclosing(invocation, context.ContainingSymbol))
                : ImmutableArray<string>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.RawLifetimeCallback,
                invocation.Syntax.GetLocation(),
                Advice.Properties(targets, shape),
                property.Name + "." + method.Name,
                shape == StartedShape ? Advice.Use(targets, "CallWhenRunning", InjectClock) + HostIntegration : UseShutdownHandler));
        }

        private static bool IsLifetime(INamedTypeSymbol type, INamedTypeSymbol lifetime)
        {
            if (ContextFlowTypes.Is(type, lifetime))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (ContextFlowTypes.Is(implemented, lifetime))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
