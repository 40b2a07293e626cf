using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Internals;

/// <summary>Answers "is this code inside a <c>[ContextBoundary]</c>?" for the rules the attribute silences.</summary>
internal sealed class ContextBoundary
{
    private readonly INamedTypeSymbol _attribute;
    private readonly ConcurrentDictionary<ISymbol, bool> _marked = new(SymbolEqualityComparer.Default);

    public ContextBoundary(INamedTypeSymbol attribute) => _attribute = attribute;

    /// <summary>True when the innermost function, member or type around the operation (or any outer one) is marked.</summary>
    public bool Contains(IOperation operation, ISymbol containingSymbol) =>
        Contains(Enclosing(operation, containingSymbol));

    /// <summary>The innermost symbol around the operation: a lambda or local function when there is one.</summary>
    public static ISymbol Enclosing(IOperation operation, ISymbol containingSymbol)
    {
        // Lambdas and local functions are not the analysis context's containing symbol; the semantic model knows them.
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart) ?? containingSymbol;
            }
        }

        return containingSymbol;
    }

    private bool Contains(ISymbol? symbol)
    {
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (IsMarked(current) || (current is IMethodSymbol { AssociatedSymbol: { } associated } && IsMarked(associated)))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsMarked(ISymbol symbol) => _marked.GetOrAdd(symbol, s =>
    {
        foreach (var attribute in s.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _attribute))
            {
                return true;
            }
        }

        return false;
    });
}
