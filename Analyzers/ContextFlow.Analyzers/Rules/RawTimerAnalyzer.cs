using System.Collections.Immutable;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX2001: raw timers (<c>new System.Threading.Timer</c>, <c>new System.Timers.Timer</c>, <c>new PeriodicTimer</c>,
/// <c>TimeProvider.CreateTimer</c>) outside a <c>[ContextBoundary]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawTimerAnalyzer : DiagnosticAnalyzer
{
    /// <summary>A callback timer that fires once (period infinite): becomes <c>CallLater</c>.</summary>
    public const string OneShotShape = "OneShot";

    /// <summary>A callback timer with a period: becomes <c>LoopingCall</c>.</summary>
    public const string PeriodicShape = "Periodic";

    private const string Inject = "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and schedule with its CallLater or LoopingCall";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.RawTimer);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = ContextFlowTypes.Create(start.Compilation);
            if (types is null)
            {
                return;
            }

            var boundary = new ContextBoundary(types.ContextBoundaryAttribute);
            var targets = new InjectionTargets(types.Clock, types.Server, "Clock");
            start.RegisterOperationAction(c => AnalyzeCreation(c, types, boundary, targets), OperationKind.ObjectCreation);
            if (types.TimeProvider is not null)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, types, boundary, targets), OperationKind.Invocation);
            }
        });
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, ContextFlowTypes types, ContextBoundary boundary, InjectionTargets targetFinder)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        var type = creation.Type;
        if (type is null || !(ContextFlowTypes.Is(type, types.ThreadingTimer) || ContextFlowTypes.Is(type, types.TimersTimer) || ContextFlowTypes.Is(type, types.PeriodicTimer)))
        {
            return;
        }

        var shape = ContextFlowTypes.Is(type, types.ThreadingTimer) ? Shape(creation.Arguments, types) : null;
        Report(context, creation, "new " + type.Name, shape, boundary, targetFinder);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, ContextFlowTypes types, ContextBoundary boundary, InjectionTargets targetFinder)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name != "CreateTimer" || !ContextFlowTypes.DerivesFrom(method.ContainingType, types.TimeProvider))
        {
            return;
        }

        Report(context, invocation, "TimeProvider.CreateTimer", Shape(invocation.Arguments, types), boundary, targetFinder);
    }

    private static void Report(OperationAnalysisContext context, IOperation operation, string what, string? shape, ContextBoundary boundary, InjectionTargets targetFinder)
    {
        if (boundary.Contains(operation, context.ContainingSymbol))
        {
            return;
        }

        var enclosing = ContextBoundary.Enclosing(operation, context.ContainingSymbol);
        var targets = shape is null
            ? ImmutableArray<string>.Empty
            : targetFinder.Find(operation, enclosing);
        var member = shape == PeriodicShape ? "LoopingCall" : "CallLater";
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.RawTimer,
            operation.Syntax.GetLocation(),
            Advice.Properties(targets, shape),
            what,
            shape is null ? Inject : Advice.Use(targets, member, Inject)));
    }

    /// <summary>One-shot or periodic for the (callback, state, dueTime, period) shape; null for any other.</summary>
    private static string? Shape(ImmutableArray<IArgumentOperation> arguments, ContextFlowTypes types)
    {
        if (arguments.Length != 4)
        {
            return null;
        }

        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Ordinal == 3)
            {
                return IsInfinite(Advice.WalkDownConversions(argument.Value), types) ? OneShotShape : PeriodicShape;
            }
        }

        return null;
    }

    private static bool IsInfinite(IOperation period, ContextFlowTypes types)
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

        return period is IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } field && ContextFlowTypes.Is(field.Field.ContainingType, types.Timeout);
    }
}
