using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators.Common;

/// <summary>Checks shared by the parsers; each returns why something is unsupported, or <see langword="null"/>.</summary>
internal static class Checks
{
    public const string GeneratorName = "ContextFlow.Generators";

    /// <summary>Why a parameter cannot be captured by a lambda (the generated code captures every argument).</summary>
    public static string? CaptureProblem(IParameterSymbol parameter)
    {
        if (parameter.RefKind != RefKind.None)
        {
            return $"parameter '{parameter.Name}' is passed by reference";
        }

        if (parameter.Type.IsRefLikeType)
        {
            return $"parameter '{parameter.Name}' is a ref struct";
        }

        return parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
            ? $"parameter '{parameter.Name}' is a pointer"
            : null;
    }

    /// <summary>The name given in the attribute's first argument; <see langword="null"/> when the attribute is broken.</summary>
    public static string? NameArgument(AttributeData attribute) =>
        attribute.ConstructorArguments is [{ Kind: not TypedConstantKind.Error, Value: var value }] ? value as string ?? "" : null;

    /// <summary>Why a marked method is not one the generators can add a sibling member for.</summary>
    public static string? MethodKindProblem(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary ? null : "only ordinary methods are supported, not explicit interface implementations or operators";

    /// <summary>Whether <paramref name="symbol"/> was written by these generators (a previous run's output).</summary>
    public static bool IsGenerated(ISymbol symbol) =>
        symbol.GetAttributes().Any(a =>
            a.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute" &&
            a.ConstructorArguments is [{ Value: GeneratorName }, ..]);

    /// <summary>Whether the type declares (by hand) a member named <paramref name="name"/>.</summary>
    public static bool DeclaresByHand(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).Any(m => !IsGenerated(m) && !m.IsImplicitlyDeclared);

    /// <summary>The 0-based position of <paramref name="method"/> among the type's methods of the same name, for hint names.</summary>
    public static int OverloadIndex(IMethodSymbol method)
    {
        var index = 0;
        foreach (var member in method.ContainingType.GetMembers(method.Name))
        {
            if (SymbolEqualityComparer.Default.Equals(member, method))
            {
                return index;
            }

            index++;
        }

        return 0;
    }

    /// <summary>The type's other methods carrying the attribute <paramref name="attributeName"/>, in declaration order.</summary>
    public static IEnumerable<(IMethodSymbol Method, AttributeData Attribute)> MarkedSiblings(IMethodSymbol method, string attributeName)
    {
        foreach (var member in method.ContainingType.GetMembers())
        {
            if (member is IMethodSymbol sibling && !SymbolEqualityComparer.Default.Equals(sibling, method) &&
                sibling.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == attributeName) is { } attribute)
            {
                yield return (sibling, attribute);
            }
        }
    }

    public static Location? LocationOf(ISymbol symbol) => symbol.Locations.FirstOrDefault();

    public static Location? LocationOf(AttributeData attribute, ISymbol fallback) =>
        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? LocationOf(fallback);

    /// <summary>Adds a diagnostic when collecting them (the analyzer's path); returns <see langword="false"/> so callers can write <c>valid = Report(...)</c>.</summary>
    public static bool Report(List<Diagnostic>? diagnostics, DiagnosticDescriptor descriptor, Location? location, params object[] arguments)
    {
        diagnostics?.Add(Diagnostic.Create(descriptor, location, arguments));
        return false;
    }

    /// <summary>
    /// The checks every marked method shares: a non-blank name in its attribute and a partial class to generate into.
    /// Reports each failure; returns whether both hold.
    /// </summary>
    public static bool NamedMethodInPartialClass(IMethodSymbol method, AttributeData attribute, string attributeName, string name, List<Diagnostic>? diagnostics)
    {
        var valid = true;
        if (name.Trim().Length == 0)
        {
            valid = Report(diagnostics, Descriptors.EmptyName, LocationOf(attribute, method), method.Name, attributeName);
        }

        var type = method.ContainingType;
        if (type.TypeKind != TypeKind.Class || !SymbolText.IsPartialAll(type, out _))
        {
            valid = Report(diagnostics, Descriptors.NotInPartialType, LocationOf(method), method.Name, attributeName, type.Name);
        }

        return valid;
    }

    /// <summary>Reports unless exactly one owner was found; <paramref name="wanted"/> and <paramref name="role"/> word the messages.</summary>
    public static bool SingleOwner(List<OwnerModel> owners, IMethodSymbol method, string attributeName, string wanted, string role, List<Diagnostic>? diagnostics)
    {
        var type = method.ContainingType;
        return owners.Count switch
        {
            0 => Report(diagnostics, Descriptors.NoOwner, LocationOf(method), method.Name, attributeName, type.Name, wanted),
            > 1 => Report(diagnostics, Descriptors.SeveralOwners, LocationOf(method), method.Name, attributeName, type.Name,
                role, string.Join(", ", owners.Select(o => o.Display))),
            _ => true,
        };
    }
}
