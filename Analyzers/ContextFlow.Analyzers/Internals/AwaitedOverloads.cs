using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Internals;

/// <summary>
/// Finds the awaited sibling of an overload that takes a void delegate: for <c>M(TimeSpan, Action)</c>, an overload
/// <c>M(TimeSpan, Func&lt;…, Task&gt;)</c> of the same type whose other parameters are the same. Work passed to the
/// first is let go (an async lambda there is <c>async void</c>); the second awaits or observes it.
/// </summary>
internal sealed class AwaitedOverloads
{
    private readonly ContextFlowTypes _types;

    // Per overload and delegate parameter: every call of the same overload asks again.
    private readonly ConcurrentDictionary<(IMethodSymbol Method, int Ordinal), IParameterSymbol?> _siblings = new();

    public AwaitedOverloads(ContextFlowTypes types) => _types = types;

    /// <summary>
    /// The delegate parameter of the awaited sibling overload, when the argument is passed to a void delegate
    /// parameter that has one; null otherwise.
    /// </summary>
    public IParameterSymbol? For(IArgumentOperation argument)
    {
        if (argument.Parameter is not { ContainingSymbol: IMethodSymbol method } parameter || !IsVoidDelegate(parameter.Type))
        {
            return null;
        }

        return _siblings.GetOrAdd((method.OriginalDefinition, parameter.Ordinal), key => Find(key.Method, key.Ordinal));
    }

    /// <summary>
    /// The awaited sibling's delegate parameter when <paramref name="operation"/> is the expression body of a lambda
    /// passed to a void delegate parameter that has one (<c>RegisterShutdownHandler(() => pool.ShutdownAsync())</c>).
    /// </summary>
    public IParameterSymbol? ForExpressionBody(IOperation operation) =>
        operation.Parent is IExpressionStatementOperation
        {
            IsImplicit: true,
            Parent: IBlockOperation { IsImplicit: true, Parent: IAnonymousFunctionOperation { Parent: IDelegateCreationOperation { Parent: IArgumentOperation argument } } },
        }
            ? For(argument)
            : null;

    /// <summary>The parameters of a delegate type's Invoke method; empty for anything else.</summary>
    public static ImmutableArray<IParameterSymbol> DelegateParameters(ITypeSymbol? type) =>
        type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } ? invoke.Parameters : ImmutableArray<IParameterSymbol>.Empty;

    private static bool IsVoidDelegate(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod.ReturnsVoid: true };

    private IParameterSymbol? Find(IMethodSymbol method, int ordinal)
    {
        if (method.ContainingType is not { } type)
        {
            return null;
        }

        foreach (var member in type.GetMembers(method.Name))
        {
            if (member is IMethodSymbol other && !SymbolEqualityComparer.Default.Equals(other, method) &&
                other.IsStatic == method.IsStatic && other.Arity == method.Arity && other.Parameters.Length == method.Parameters.Length &&
                IsSibling(method, other, ordinal))
            {
                return other.Parameters[ordinal];
            }
        }

        return null;
    }

    private bool IsSibling(IMethodSymbol method, IMethodSymbol other, int ordinal)
    {
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var same = i == ordinal
                ? other.Parameters[i].Type is INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke } && _types.IsTaskLike(invoke.ReturnType)
                : SymbolEqualityComparer.Default.Equals(other.Parameters[i].Type, method.Parameters[i].Type);
            if (!same)
            {
                return false;
            }
        }

        return true;
    }
}
