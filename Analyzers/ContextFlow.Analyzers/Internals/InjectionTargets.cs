using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ContextFlow.Analyzers.Internals;

/// <summary>
/// Finds what a code fix can route work through at a site: locals, parameters, fields and properties of the wanted
/// type (a <c>Clock</c> or <c>BackgroundProcesses</c>), or of a <c>Server</c> type, through its property of that type.
/// </summary>
internal sealed class InjectionTargets
{
    private readonly INamedTypeSymbol? _wanted;
    private readonly INamedTypeSymbol? _server;
    private readonly string _serverProperty;

    // Members of a type reachable from its code, per (type, static context): found once per compilation, since
    // every diagnostic inside the type asks again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(INamedTypeSymbol Type, bool StaticOnly), ImmutableArray<string>> _members = new();

    public InjectionTargets(INamedTypeSymbol? wanted, INamedTypeSymbol? server, string serverProperty)
    {
        _wanted = wanted;
        _server = server;
        _serverProperty = serverProperty;
    }

    /// <summary>The key of <see cref="Diagnostic.Properties"/> that carries the targets, separated by <see cref="Separator"/>.</summary>
    public const string PropertyKey = "Targets";

    public const char Separator = ';';

    /// <summary>Access expressions (such as <c>_clock</c> or <c>server.Clock</c>) in the order a reader would pick them.</summary>
    public ImmutableArray<string> Find(IOperation operation, ISymbol enclosing)
    {
        var wanted = _wanted;
        var server = _server;
        var serverProperty = _serverProperty;
        if (wanted is null)
        {
            return ImmutableArray<string>.Empty;
        }

        var found = new List<string>();
        var position = operation.Syntax.SpanStart;

        // Locals declared before the site, innermost scope first.
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            var locals = parent switch
            {
                IBlockOperation block => block.Locals,
                IUsingOperation @using => @using.Locals,
                ILoopOperation loop => loop.Locals,
                ISwitchCaseOperation @case => @case.Locals,
                _ => ImmutableArray<ILocalSymbol>.Empty,
            };
            foreach (var local in locals)
            {
                if (local.Locations.Length > 0 && local.Locations[0].SourceSpan.Start < position)
                {
                    Add(found, local.Name, local.Type, wanted, server, serverProperty);
                }
            }
        }

        // Parameters of every function around the site, then members of the containing types.
        var isStatic = false;
        for (var symbol = enclosing; symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            if (symbol is IMethodSymbol method)
            {
                isStatic |= method.IsStatic && method.MethodKind != MethodKind.AnonymousFunction && method.MethodKind != MethodKind.LocalFunction;
                foreach (var parameter in method.Parameters)
                {
                    Add(found, parameter.Name, parameter.Type, wanted, server, serverProperty);
                }
            }
            else if (symbol is IFieldSymbol or IPropertySymbol or IEventSymbol)
            {
                isStatic |= symbol.IsStatic;
            }
            else if (symbol is INamedTypeSymbol type)
            {
                var staticOnly = isStatic;
                foreach (var member in _members.GetOrAdd((type, staticOnly), key =>
                {
                    var list = new List<string>();
                    AddMembers(list, key.Type, key.StaticOnly, wanted, server, serverProperty);
                    return list.ToImmutableArray();
                }))
                {
                    if (!found.Contains(member))
                    {
                        found.Add(member);
                    }
                }

                isStatic = true; // an outer type's instance members are not reachable from a nested type
            }
        }

        return found.ToImmutableArray();
    }

    /// <summary>The targets carried by a diagnostic.</summary>
    public static ImmutableArray<string> From(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(PropertyKey, out var value) && !string.IsNullOrEmpty(value)
            ? value!.Split(Separator).ToImmutableArray()
            : ImmutableArray<string>.Empty;

    private static void AddMembers(List<string> found, INamedTypeSymbol type, bool staticOnly, INamedTypeSymbol wanted, INamedTypeSymbol? server, string serverProperty)
    {
        if (!staticOnly)
        {
            // Parameters of a primary constructor are in scope in every instance member.
            foreach (var constructor in type.InstanceConstructors)
            {
                if (IsPrimary(constructor))
                {
                    foreach (var parameter in constructor.Parameters)
                    {
                        Add(found, parameter.Name, parameter.Type, wanted, server, serverProperty);
                    }
                }
            }
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.IsImplicitlyDeclared || (staticOnly && !member.IsStatic) ||
                    (!SymbolEqualityComparer.Default.Equals(current, type) && member.DeclaredAccessibility == Accessibility.Private))
                {
                    continue;
                }

                var memberType = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol { IsIndexer: false } property => property.Type,
                    _ => null,
                };
                Add(found, member.Name, memberType, wanted, server, serverProperty);
            }
        }
    }

    private static void Add(List<string> found, string name, ITypeSymbol? type, INamedTypeSymbol wanted, INamedTypeSymbol? server, string serverProperty)
    {
        string? expression = null;
        if (type is null || name.Length == 0 || !IsIdentifier(name))
        {
            return;
        }

        if (SymbolEqualityComparer.Default.Equals(type, wanted))
        {
            expression = name;
        }
        else if (ContextFlowTypes.DerivesFrom(type, server) && HasProperty(type, serverProperty, wanted))
        {
            expression = name + "." + serverProperty;
        }

        if (expression is not null && !found.Contains(expression))
        {
            found.Add(expression);
        }
    }

    private static bool IsPrimary(IMethodSymbol constructor)
    {
        foreach (var reference in constructor.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasProperty(ITypeSymbol type, string name, INamedTypeSymbol wanted)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers(name))
            {
                if (member is IPropertySymbol property && SymbolEqualityComparer.Default.Equals(property.Type, wanted))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsIdentifier(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
