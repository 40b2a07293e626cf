using System.Collections.Immutable;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2001: raw timers (<c>new System.Threading.Timer</c>, <c>new System.Timers.Timer</c>, <c>new PeriodicTimer</c>,
/// <c>TimeProvider.CreateTimer</c>) outside a <c>[ContextBoundary]</c>.
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
        if (compilation.Types.TimeProvider is not null)
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
            if (method.Name != "CreateTimer" || !ContextFlowTypes.DerivesFrom(method.ContainingType, _types.TimeProvider))
            {
                return;
            }

            Report(context, invocation, "TimeProvider.CreateTimer", Shape(invocation.Arguments));
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
