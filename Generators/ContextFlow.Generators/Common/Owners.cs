using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContextFlow.Generators.Common;

/// <summary>What a generated member needs from its type.</summary>
internal enum OwnerNeed
{
    /// <summary>A <c>BackgroundProcesses</c> to start work in.</summary>
    BackgroundProcesses,

    /// <summary>The owning server's name, from a <c>Server</c> or its <c>Clock</c>.</summary>
    ServerName,
}

/// <summary>
/// Finds how a type reaches its owner, in tiers: the type is itself a <c>Server</c>; else a field or property holding
/// a <c>Server</c>; else one holding the needed part directly (<c>BackgroundProcesses</c>, or a <c>Clock</c> for the
/// server name). The first tier with any candidate decides; several candidates there are ambiguous. Within a tier,
/// fields and properties (declared or inherited) come before the parameters of the class's primary constructor.
/// </summary>
internal static class Owners
{
    /// <param name="reserved">Names the generated member declares (its parameters), which would hide a primary constructor parameter.</param>
    public static List<OwnerModel> Find(KnownTypes known, INamedTypeSymbol type, bool fromStatic, OwnerNeed need, ICollection<string> reserved)
    {
        var serverProperty = need == OwnerNeed.BackgroundProcesses ? KnownTypes.BackgroundProcessesProperty : KnownTypes.ServerNameProperty;
        var server = known.Server is { } s && HasProperty(s, serverProperty) ? s : null;
        if (server is not null && !fromStatic && DerivesFrom(type, server))
        {
            return new List<OwnerModel> { new("this." + serverProperty, "this", MayBeNull: false) };
        }

        var members = ReachableMembers(known.Compilation, type, fromStatic).ToList();
        var parameters = fromStatic ? new List<Reachable>() : PrimaryConstructorParameters(type, reserved).ToList();
        if (server is not null)
        {
            var servers = Matching(members, parameters, server)
                .Select(m => new OwnerModel(m.Expression + (m.MayBeNull ? "?." : ".") + serverProperty, m.Name, m.MayBeNull))
                .ToList();
            if (servers.Count > 0)
            {
                return servers;
            }
        }

        var part = need == OwnerNeed.BackgroundProcesses
            ? known.BackgroundProcesses
            : known.Clock is { } clock && HasProperty(clock, KnownTypes.ServerNameProperty) ? clock : null;
        if (part is null)
        {
            return new List<OwnerModel>();
        }

        return Matching(members, parameters, part)
            .Select(m => new OwnerModel(
                m.Expression + (need == OwnerNeed.ServerName ? (m.MayBeNull ? "?." : ".") + KnownTypes.ServerNameProperty : ""),
                m.Name,
                m.MayBeNull))
            .ToList();
    }

    // Fields and properties first: a primary constructor parameter counts only when no member holds the owner,
    // because a class that keeps the parameter in a member means the member.
    private static List<Reachable> Matching(List<Reachable> members, List<Reachable> parameters, INamedTypeSymbol ownerType)
    {
        var found = members.Where(m => DerivesFrom(m.Type, ownerType)).ToList();
        return found.Count > 0 ? found : parameters.Where(p => DerivesFrom(p.Type, ownerType)).ToList();
    }

    private static IEnumerable<Reachable> ReachableMembers(Compilation compilation, INamedTypeSymbol type, bool fromStatic)
    {
        var seen = new HashSet<string>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                var memberType = member switch
                {
                    IFieldSymbol { IsImplicitlyDeclared: false, IsConst: false } field => field.Type,
                    IPropertySymbol { IsIndexer: false, GetMethod: not null } property => property.Type,
                    _ => null,
                };
                if (memberType is null || (fromStatic && !member.IsStatic) || !seen.Add(member.Name) ||
                    !compilation.IsSymbolAccessibleWithin(member, type))
                {
                    continue;
                }

                var expression = (member.IsStatic ? SymbolText.Type(member.ContainingType) : "this") + "." + SymbolText.Identifier(member.Name);
                yield return new Reachable(member.Name, expression, memberType, memberType.NullableAnnotation == NullableAnnotation.Annotated);
            }
        }
    }

    /// <summary>
    /// The parameters of the class's primary constructor that generated members may capture: not of a record (whose
    /// parameters are properties), not hidden by a generated member's own parameter, and not already used in an
    /// initializer or base-constructor argument, where capturing them too would draw CS9107/CS9124 warnings.
    /// </summary>
    private static IEnumerable<Reachable> PrimaryConstructorParameters(INamedTypeSymbol type, ICollection<string> reserved)
    {
        if (type.IsRecord)
        {
            yield break;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            var declaration = constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().FirstOrDefault();
            if (declaration is null)
            {
                continue;
            }

            var usedInInitializers = new HashSet<string>(type.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax())
                .OfType<TypeDeclarationSyntax>()
                .SelectMany(InitializerNames));
            foreach (var parameter in constructor.Parameters)
            {
                if (!reserved.Contains(parameter.Name) && !usedInInitializers.Contains(parameter.Name))
                {
                    yield return new Reachable(
                        parameter.Name, SymbolText.Identifier(parameter.Name), parameter.Type, parameter.Type.NullableAnnotation == NullableAnnotation.Annotated);
                }
            }
        }
    }

    // Every identifier in field and property initializers and in base-constructor arguments, matched by name: cheap,
    // and on the safe side when a local of the same name is meant.
    private static IEnumerable<string> InitializerNames(TypeDeclarationSyntax declaration)
    {
        var initializers = declaration.Members
            .SelectMany(m => m switch
            {
                FieldDeclarationSyntax field => field.Declaration.Variables.Select(v => (SyntaxNode?)v.Initializer),
                PropertyDeclarationSyntax property => new SyntaxNode?[] { property.Initializer },
                EventFieldDeclarationSyntax @event => @event.Declaration.Variables.Select(v => (SyntaxNode?)v.Initializer),
                _ => Enumerable.Empty<SyntaxNode?>(),
            })
            .Concat(declaration.BaseList?.Types.OfType<PrimaryConstructorBaseTypeSyntax>().Select(b => (SyntaxNode?)b.ArgumentList) ?? Enumerable.Empty<SyntaxNode?>());
        return initializers
            .Where(n => n is not null)
            .SelectMany(n => n!.DescendantNodes().OfType<IdentifierNameSyntax>())
            .Select(i => i.Identifier.ValueText);
    }

    private static bool HasProperty(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).Any(m => m is IPropertySymbol { IsStatic: false, GetMethod: not null });

    private static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Reachable(string Name, string Expression, ITypeSymbol Type, bool MayBeNull);
}
