using System.Collections.Immutable;
using System.Linq;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2001: raw timers (<c>new System.Threading.Timer</c>, <c>new System.Timers.Timer</c>, <c>new PeriodicTimer</c>,
/// <c>TimeProvider.CreateTimer</c>) outside a <c>[ContextBoundary]</c>, and Orleans grain timers
/// (<c>RegisterGrainTimer</c>, <c>RegisterTimer</c>) in a subclass of <c>ContextFlow.Orleans.TenantGrain</c>, whose
/// work belongs on its server's Clock.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawTimerAnalyzer : ContextFlowAnalyzer
{
    /// <summary>A callback timer that fires once (period infinite): becomes <c>CallLater</c>.</summary>
    public const string OneShotShape = "OneShot";

    /// <summary>A callback timer with a period: becomes <c>LoopingCall</c>.</summary>
    public const string PeriodicShape = "Periodic";

    private const string Inject = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and schedule with its CallLater or LoopingCall";

    public RawTimerAnalyzer()
        : base(Descriptors.RawTimer)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        var context = new Context(compilation);
        start.RegisterOperationAction(context.AnalyzeCreation, OperationKind.ObjectCreation);
        if (compilation.Types.TimeProvider is not null || compilation.Types.TenantGrain is not null)
        {
            start.RegisterOperationAction(context.AnalyzeInvocation, OperationKind.Invocation);
        }
    }

    private sealed class Context(RuleCompilation compilation)
    {
        private readonly ContextFlowTypes _types = compilation.Types;

        public void AnalyzeCreation(OperationAnalysisContext context)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            var type = creation.Type;
            if (type is null || !(ContextFlowTypes.Is(type, _types.ThreadingTimer) || ContextFlowTypes.Is(type, _types.TimersTimer) || ContextFlowTypes.Is(type, _types.PeriodicTimer)))
            {
                return;
            }

            var shape = ContextFlowTypes.Is(type, _types.ThreadingTimer) ? Shape(creation.Arguments) : null;
            Report(context, creation, "new " + type.Name, shape);
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method.Name == "CreateTimer" && ContextFlowTypes.DerivesFrom(method.ContainingType, _types.TimeProvider))
            {
                Report(context, invocation, "TimeProvider.CreateTimer", Shape(invocation.Arguments));
            }
            else if (method.Name is "RegisterGrainTimer" or "RegisterTimer" && _types.TenantGrain is not null && IsGrainTimer(method) &&
                     InTenantGrain(context.ContainingSymbol) && !compilation.IsExempt(invocation, context.ContainingSymbol, context.CancellationToken))
            {
                // No fix: a grain timer's due time, period and callback shapes do not map one to one onto the Clock's.
                var targets = compilation.ClockTargets.Find(invocation, ContextBoundary.Enclosing(invocation, context.ContainingSymbol));
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.RawTimer,
                    invocation.Syntax.GetLocation(),
                    method.Name,
                    $"schedule the tenant's work on {(targets.IsEmpty ? "its server's Clock" : targets[0])} instead (LoopingCall, CallLater), " +
                    "which its shutdown stops and whose callbacks run in the tenant's contexts"));
            }
        }

        /// <summary>Orleans' grain timers: the grain's own (extension) methods and the timer registry's.</summary>
        private bool IsGrainTimer(IMethodSymbol method)
        {
            var type = method.ContainingType;
            return ContextFlowTypes.Is(type, _types.GrainBaseExtensions) || ContextFlowTypes.DerivesFrom(type, _types.Grain) ||
                   ContextFlowTypes.Is(type, _types.TimerRegistry) || type.AllInterfaces.Any(i => ContextFlowTypes.Is(i, _types.TimerRegistry));
        }

        /// <summary>True inside a type deriving from <c>TenantGrain&lt;,&gt;</c> (or a type nested in one).</summary>
        private bool InTenantGrain(ISymbol symbol)
        {
            for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.ContainingType)
            {
                if (ContextFlowTypes.DerivesFrom(type, _types.TenantGrain))
                {
                    return true;
                }
            }

            return false;
        }

        private void Report(OperationAnalysisContext context, IOperation operation, string what, string? shape)
        {
            if (compilation.IsExempt(operation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var enclosing = ContextBoundary.Enclosing(operation, context.ContainingSymbol);
            var targets = shape is null
                ? ImmutableArray<string>.Empty
                : compilation.ClockTargets.Find(operation, enclosing);
            var member = shape == PeriodicShape ? "LoopingCall" : "CallLater";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.RawTimer,
                operation.Syntax.GetLocation(),
                Advice.Properties(targets, shape),
                what,
                shape is null ? Inject : Advice.Use(targets, member, Inject)));
        }

        /// <summary>One-shot or periodic for the (callback, state, dueTime, period) shape; null for any other.</summary>
        private string? Shape(ImmutableArray<IArgumentOperation> arguments)
        {
            if (arguments.Length != 4)
            {
                return null;
            }

            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Ordinal == 3)
                {
                    return IsInfinite(argument.Value.WalkDownConversions()) ? OneShotShape : PeriodicShape;
                }
            }

            return null;
        }

        private bool IsInfinite(IOperation period)
        {
            if (period.ConstantValue is { HasValue: true, Value: { } value })
            {
                return value switch
                {
                    int i => i == -1,
                    long l => l == -1,
                    uint u => u == uint.MaxValue,
                    _ => false,
                };
            }

            return period is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } field && ContextFlowTypes.Is(field.Field.ContainingType, _types.Timeout);
        }
    }
}
