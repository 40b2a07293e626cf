using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Internals;

/// <summary>Walking the operation tree the way the rules need it: past implicit conversions, up to the root.</summary>
internal static class OperationExtensions
{
    /// <summary>The operation without the implicit conversions the compiler wrapped around it.</summary>
    public static IOperation WalkDownConversions(this IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>The first parent that is not an implicit conversion.</summary>
    public static IOperation? ParentSkippingConversions(this IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation { IsImplicit: true })
        {
            parent = parent.Parent;
        }

        return parent;
    }

    /// <summary>
    /// The operation whose value is the operation's: itself, or the null-conditional access it ends
    /// (<c>a?.B()</c>, <c>a?.b?.C()</c>), whose value is the call's or null.
    /// </summary>
    public static IOperation OutermostConditionalAccess(this IOperation operation)
    {
        while (operation.Parent is IConditionalAccessOperation access && access.WhenNotNull == operation)
        {
            operation = access;
        }

        return operation;
    }

    /// <summary>
    /// True when the value is thrown away: an expression statement, or assigned to the discard <c>_</c>, also through
    /// a null-conditional access (<c>a?.B();</c>, <c>_ = a?.B();</c>).
    /// </summary>
    public static bool IsDiscarded(this IOperation operation) => operation.OutermostConditionalAccess().ParentSkippingConversions() switch
    {
        IExpressionStatementOperation => true,
        ISimpleAssignmentOperation assignment => assignment.Target.WalkDownConversions() is IDiscardOperation,
        _ => false,
    };

    /// <summary>The outermost operation of the body the operation is in.</summary>
    public static IOperation Root(this IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary>True when <paramref name="operation"/>, past conversions, reads the local <paramref name="local"/>.</summary>
    public static bool IsReferenceTo(this IOperation operation, ILocalSymbol local) =>
        operation.WalkDownConversions() is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    /// <summary>
    /// The values the code under <paramref name="root"/> gives the local: its initializer and every simple assignment
    /// to it (what the rules follow "as far as a local").
    /// </summary>
    public static IEnumerable<IOperation> AssignedValues(this ILocalSymbol local, IOperation root)
    {
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.GetVariableInitializer() is { } initializer)
                    {
                        yield return initializer.Value;
                    }

                    break;
                case ISimpleAssignmentOperation assignment when assignment.Target.IsReferenceTo(local):
                    yield return assignment.Value;
                    break;
            }
        }
    }
}
