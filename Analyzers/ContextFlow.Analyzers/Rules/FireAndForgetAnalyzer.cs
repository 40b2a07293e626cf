using System.Collections.Immutable;
using ContextFlow.Analyzers.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX3001: work nobody awaits, outside a <c>[ContextBoundary]</c>: a discarded <c>Task.Run</c>,
/// <c>Task.Factory.StartNew</c> or task-returning call, <c>ThreadPool.QueueUserWorkItem</c>, and a thread that is
/// started but never joined. Discarding the task of <c>BackgroundProcesses.RunAsBackgroundProcess</c> (or of a
/// ContextFlow-generated starter) is the sanctioned way and is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FireAndForgetAnalyzer : DiagnosticAnalyzer
{
    /// <summary>A discarded <c>Task.Run(work)</c>: becomes <c>RunAsBackgroundProcess("name", ct => work)</c>.</summary>
    public const string RunShape = "Run";

    /// <summary>A discarded task-returning call: becomes <c>RunAsBackgroundProcess("name", ct => Call())</c>.</summary>
    public const string CallShape = "Call";

    private const string Inject = "inject a ContextFlow.Background.BackgroundProcesses (or a ContextFlow.Hosting.Server) and use its RunAsBackgroundProcess";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.FireAndForget);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var types = ContextFlowTypes.Create(start.Compilation);
            if (types?.Task is null)
            {
                return;
            }

            var boundary = new ContextBoundary(types.ContextBoundaryAttribute);
            var targets = new InjectionTargets(types.BackgroundProcesses, types.Server, "BackgroundProcesses");
            start.RegisterOperationAction(c => Analyze(c, types, boundary, targets), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ContextFlowTypes types, ContextBoundary boundary, InjectionTargets targetFinder)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        string? shape;
        string what;
        if (method.Name == "QueueUserWorkItem" && ContextFlowTypes.Is(type, types.ThreadPool))
        {
            shape = null;
            what = "ThreadPool.QueueUserWorkItem";
        }
        else if (method.Name == "Start" && ContextFlowTypes.Is(type, types.Thread))
        {
            if (!NeverJoined(invocation))
            {
                return;
            }

            shape = null;
            what = "Thread.Start";
        }
        else if (IsDiscarded(invocation) && types.IsTaskLike(method.ReturnType))
        {
            if (method.Name == "Run" && ContextFlowTypes.Is(type, types.Task))
            {
                shape = invocation.Arguments.Length == 1 ? RunShape : null;
                what = "Task.Run";
            }
            else if (method.Name == "StartNew" && (ContextFlowTypes.Is(type, types.TaskFactory) || ContextFlowTypes.Is(type.OriginalDefinition, types.TaskFactoryOfT)))
            {
                shape = null;
                what = "Task.Factory.StartNew";
            }
            else
            {
                if (ContextFlowTypes.Is(type, types.BackgroundProcesses) || IsContextFlowGenerated(method, types))
                {
                    return;
                }

                shape = CallShape;
                what = method.Name + "()";
            }
        }
        else
        {
            return;
        }

        if (boundary.Contains(invocation, context.ContainingSymbol))
        {
            return;
        }

        var targets = shape is null
            ? ImmutableArray<string>.Empty
            : targetFinder.Find(invocation, ContextBoundary.Enclosing(invocation, context.ContainingSymbol));
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.FireAndForget,
            invocation.Syntax.GetLocation(),
            Advice.Properties(targets, shape),
            what,
            shape is null ? Inject : Advice.Use(targets, "RunAsBackgroundProcess", Inject)));
    }

    private static bool IsDiscarded(IOperation operation) => Advice.ParentSkippingConversions(operation) switch
    {
        IExpressionStatementOperation => true,
        ISimpleAssignmentOperation assignment => Advice.WalkDownConversions(assignment.Target) is IDiscardOperation,
        _ => false,
    };

    private static bool IsContextFlowGenerated(IMethodSymbol method, ContextFlowTypes types)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (ContextFlowTypes.Is(attribute.AttributeClass, types.GeneratedCodeAttribute) &&
                attribute.ConstructorArguments.Length > 0 &&
                attribute.ConstructorArguments[0].Value is string tool && tool.StartsWith("ContextFlow", System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for <c>new Thread(...).Start()</c> and for a local thread that the method never joins.</summary>
    private static bool NeverJoined(IInvocationOperation start)
    {
        var instance = start.Instance is null ? null : Advice.WalkDownConversions(start.Instance);
        if (instance is IObjectCreationOperation)
        {
            return true;
        }

        if (instance is not ILocalReferenceOperation local)
        {
            return false; // a thread kept in a member is joined by its owner
        }

        var root = start;
        IOperation top = root;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        foreach (var operation in top.Descendants())
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "Join", Instance: { } joined } &&
                Advice.WalkDownConversions(joined) is ILocalReferenceOperation reference &&
                SymbolEqualityComparer.Default.Equals(reference.Local, local.Local))
            {
                return false;
            }
        }

        return true;
    }
}
