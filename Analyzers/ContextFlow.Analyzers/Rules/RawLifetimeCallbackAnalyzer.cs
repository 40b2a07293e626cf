using System.Collections.Immutable;
using System.Linq;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2003: callbacks registered on <c>IHostApplicationLifetime.ApplicationStarted</c>, <c>ApplicationStopping</c> or
/// <c>ApplicationStopped</c> outside a <c>[ContextBoundary]</c>: on the property itself, or on the token read into a
/// local of the same method, or passed to a parameter of a local function of that method.
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

    // Locals and parameters followed from the registration back to the lifetime's property (a local assigned from a
    // local, a local function's parameter given a local...), enough for the shapes code takes; and no cycle runs away.
    private const int MaxHops = 3;

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
                LifetimeToken(invocation.Instance, depth: 0) is not { } property ||
                compilation.IsExempt(invocation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var shape = property.Name == "ApplicationStarted" ? StartedShape : StoppingShape;

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

        /// <summary>
        /// The lifetime property whose token <paramref name="value"/> is: read directly, or followed as far as a local
        /// of the same method (its assignments there) or a parameter of one of its local functions (the arguments of
        /// its calls there), no further.
        /// </summary>
        private IPropertySymbol? LifetimeToken(IOperation? value, int depth)
        {
            switch (value?.WalkDownConversions())
            {
                case IPropertyReferenceOperation { Property: { Name: "ApplicationStarted" or "ApplicationStopping" or "ApplicationStopped" } property }
                    when IsLifetime(property.ContainingType, _types.HostApplicationLifetime!):
                    return property;
                case ILocalReferenceOperation local when depth < MaxHops:
                    return local.Local.AssignedValues(local.Root()).Select(v => LifetimeToken(v, depth + 1)).FirstOrDefault(p => p is not null);
                case IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.LocalFunction } function } parameter
                    when depth < MaxHops:
                    return parameter.Root().Descendants()
                        .OfType<IInvocationOperation>()
                        .Where(call => SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, function.OriginalDefinition))
                        .SelectMany(call => call.Arguments)
                        .Where(argument => argument.Parameter?.Ordinal == parameter.Parameter.Ordinal)
                        .Select(argument => LifetimeToken(argument.Value, depth + 1))
                        .FirstOrDefault(p => p is not null);
                default:
                    return null;
            }
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
