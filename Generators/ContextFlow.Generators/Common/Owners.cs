using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

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
/// server name). The first tier with any candidate decides; several candidates there are ambiguous.
/// </summary>
internal static class Owners
{
    public static List<OwnerModel> Find(KnownTypes known, INamedTypeSymbol type, bool fromStatic, OwnerNeed need)
    {
        var serverProperty = need == OwnerNeed.BackgroundProcesses ? KnownTypes.BackgroundProcessesProperty : KnownTypes.ServerNameProperty;
        var server = known.Server is { } s && HasProperty(s, serverProperty) ? s : null;
        if (server is not null && !fromStatic && DerivesFrom(type, server))
        {
            return new List<OwnerModel> { new("this." + serverProperty, "this", MayBeNull: false) };
        }

        var members = ReachableMembers(known.Compilation, type, fromStatic).ToList();
        if (server is not null)
        {
            var servers = members
                .Where(m => DerivesFrom(m.Type, server))
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

        return members
            .Where(m => DerivesFrom(m.Type, part))
            .Select(m => new OwnerModel(
                m.Expression + (need == OwnerNeed.ServerName ? (m.MayBeNull ? "?." : ".") + KnownTypes.ServerNameProperty : ""),
                m.Name,
                m.MayBeNull))
            .ToList();
    }

    private static IEnumerable<(string Name, string Expression, ITypeSymbol Type, bool MayBeNull)> ReachableMembers(
        Compilation compilation, INamedTypeSymbol type, bool fromStatic)
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
                yield return (member.Name, expression, memberType, memberType.NullableAnnotation == NullableAnnotation.Annotated);
            }
        }
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
}
