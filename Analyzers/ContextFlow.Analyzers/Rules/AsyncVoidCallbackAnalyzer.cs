using System.Collections.Immutable;
using System.Linq;
using ContextFlow.Analyzers.Internals;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Rules;

/// <summary>
/// CTX3002: an async lambda, a lambda whose body is a task, or an <c>async void</c> method group passed to a void
/// delegate parameter (<c>Action</c>, <c>Action&lt;T&gt;</c>…) of a method that has an overload taking a
/// <c>Func&lt;…, Task&gt;</c> there instead: <c>server.RegisterShutdownHandler(async () => await pool.ShutdownAsync())</c>
/// binds the <c>Action</c> overload because the awaited one takes a token.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AsyncVoidCallbackAnalyzer : ContextFlowAnalyzer
{
    /// <summary>A lambda that can take the awaited delegate's parameters: the fix adds the missing ones.</summary>
    public const string LambdaShape = "Lambda";

    /// <summary>The key of <see cref="Diagnostic.Properties"/> with the names of the parameters to add, separated by ';'.</summary>
    public const string AddedParametersKey = "AddedParameters";

    public AsyncVoidCallbackAnalyzer()
        : base(Descriptors.AsyncVoidCallback)
    {
    }

    private protected override void Start(CompilationStartAnalysisContext start, RuleCompilation compilation)
    {
        if (compilation.Types.Task is not null)
        {
            start.RegisterOperationAction(new Context(compilation).AnalyzeDelegateCreation, OperationKind.DelegateCreation);
        }
    }

    private sealed class Context(RuleCompilation compilation)
    {
        private readonly ContextFlowTypes _types = compilation.Types;

        public void AnalyzeDelegateCreation(OperationAnalysisContext context)
        {
            var creation = (IDelegateCreationOperation)context.Operation;
            if (creation.Parent is not IArgumentOperation { Parameter: { } parameter } argument)
            {
                return;
            }

            var (what, lambda) = creation.Target switch
            {
                IAnonymousFunctionOperation { Symbol.IsAsync: true } function => ("an async lambda", function),
                IAnonymousFunctionOperation function when IsTaskBody(function) => ("a lambda returning a task", function),
                IMethodReferenceOperation { Method.IsAsync: true } group => ($"the async void method '{group.Method.Name}'", null),
                _ => ((string?)null, (IAnonymousFunctionOperation?)null),
            };
            if (what is null || compilation.AwaitedOverloads.For(argument) is not { } awaited ||
                compilation.IsExempt(creation, context.ContainingSymbol, context.CancellationToken))
            {
                return;
            }

            var added = lambda is null ? null : AddedParameters(parameter.Type, awaited.Type);
            var awaitedType = awaited.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            var advice = added is not null
                ? $"give the lambda the parameters of {awaitedType} ({Example(lambda!, added.Value)}) so the overload that awaits it is chosen"
                : lambda is null
                    ? $"make '{((IMethodReferenceOperation)creation.Target).Method.Name}' return a Task so the overload taking {awaitedType} is chosen"
                    : $"pass a lambda of type {awaitedType} so the overload that awaits it is chosen";
            var properties = ImmutableDictionary<string, string?>.Empty;
            if (added is not null)
            {
                properties = properties.Add(Advice.ShapeKey, LambdaShape).Add(AddedParametersKey, string.Join(";", added.Value));
            }

            var method = (IMethodSymbol)parameter.ContainingSymbol;
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.AsyncVoidCallback,
                creation.Target.Syntax.GetLocation(),
                properties,
                method.ContainingType.Name + "." + method.Name,
                what,
                parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                advice));
        }

        /// <summary>What the lambda becomes: <c>async ct => ...</c>, <c>(state, ct) => ...</c>.</summary>
        private static string Example(IAnonymousFunctionOperation lambda, ImmutableArray<string> added)
        {
            var names = lambda.Symbol.Parameters.Select(p => p.Name).Concat(added).ToList();
            var parameters = names.Count == 1 ? names[0] : "(" + string.Join(", ", names) + ")";
            return (lambda.Symbol.IsAsync ? "async " : "") + parameters + " => ...";
        }

        /// <summary><c>() => DoAsync()</c>: an expression body whose task a void delegate throws away.</summary>
        private bool IsTaskBody(IAnonymousFunctionOperation function) =>
            function.Body.Operations.FirstOrDefault() is IExpressionStatementOperation { IsImplicit: true } statement &&
            _types.IsTaskLike(statement.Operation.Type);

        /// <summary>
        /// Names for the parameters the awaited delegate has beyond the void one's (which it must start with, in
        /// order); null when a lambda cannot be turned into one by adding parameters.
        /// </summary>
        private ImmutableArray<string>? AddedParameters(ITypeSymbol voidDelegate, ITypeSymbol awaitedDelegate)
        {
            var existing = AwaitedOverloads.DelegateParameters(voidDelegate);
            var wanted = AwaitedOverloads.DelegateParameters(awaitedDelegate);
            if (wanted.Length <= existing.Length)
            {
                return null;
            }

            for (var i = 0; i < existing.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(existing[i].Type, wanted[i].Type))
                {
                    return null;
                }
            }

            var names = ImmutableArray.CreateBuilder<string>();
            for (var i = existing.Length; i < wanted.Length; i++)
            {
                names.Add(ContextFlowTypes.Is(wanted[i].Type, _types.CancellationToken) ? "ct" : "arg" + i);
            }

            return names.ToImmutable();
        }
    }
}
