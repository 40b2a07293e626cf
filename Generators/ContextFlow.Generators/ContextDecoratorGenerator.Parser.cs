using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators;

public sealed partial class ContextDecoratorGenerator
{
    /// <summary>Everything the emitter needs for one decorator class.</summary>
    internal sealed record Model(
        string HintName,
        TypeScopeModel Scope,
        string Accessibility,
        string ClassName,
        string TypeParameters,
        EquatableArray<string> Constraints,
        string InterfaceType,
        string InterfaceCref,
        string InterfaceName,
        EquatableArray<MemberModel> Members);

    internal enum MemberKind
    {
        Method,
        Property,
        Indexer,
        Event,
    }

    /// <summary>One forwarded member.</summary>
    /// <param name="BlockName">The nested context and metrics name, <c>"{Interface}.{Member}"</c>.</param>
    /// <param name="ExplicitInterface">The interface to implement the member explicitly for, when an implicit
    /// implementation would clash with another member; otherwise <see langword="null"/>.</param>
    /// <param name="Receiver">What to forward to: the inner instance, cast to the declaring interface when inherited.</param>
    /// <param name="Type">The return, property or event type.</param>
    /// <param name="RefKind">"ref ", "ref readonly " or empty, for by-reference returns.</param>
    /// <param name="MeasureName">A local name for the measure that no parameter uses.</param>
    internal sealed record MemberModel(
        MemberKind Kind,
        string BlockName,
        string Name,
        string? ExplicitInterface,
        string Receiver,
        string Type,
        string RefKind,
        string Attributes,
        AwaitableKind Awaitable,
        string TypeParameters,
        EquatableArray<string> Constraints,
        EquatableArray<ParameterModel> Parameters,
        bool HasGetter,
        bool HasSetter,
        string MeasureName);

    internal static class Parser
    {
        private const string Inner = "_inner";

        public static Model? Parse(KnownTypes known, INamedTypeSymbol type, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
        {
            var valid = true;
            if (type.ContainingType is { } container && !SymbolText.IsPartialAll(container, out var notPartial))
            {
                valid = Checks.Report(diagnostics, Descriptors.NotInPartialType, Checks.LocationOf(type), type.Name, "ContextDecorator", notPartial!.Name);
            }

            var members = new List<MemberModel>();
            var implicitSignatures = new Dictionary<string, string>();
            foreach (var (declaring, member) in MembersOf(type))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member.IsStatic)
                {
                    if (member.IsAbstract || member.IsVirtual)
                    {
                        valid = Unsupported(diagnostics, type, member, "static abstract and static virtual members cannot be forwarded to an instance");
                    }

                    continue;
                }

                if (!member.IsAbstract && !member.IsVirtual)
                {
                    continue;
                }

                if (member.DeclaredAccessibility != Accessibility.Public)
                {
                    valid = Unsupported(diagnostics, type, member, "only public members can be implemented by the decorator");
                    continue;
                }

                var model = Member(known, type, declaring, member, diagnostics, ref valid);
                if (model is null)
                {
                    continue;
                }

                var (key, signature) = Signature(model);
                if (implicitSignatures.TryGetValue(key, out var existing))
                {
                    if (existing == signature)
                    {
                        continue;
                    }

                    model = model with { ExplicitInterface = SymbolText.Type(declaring) };
                }
                else
                {
                    implicitSignatures.Add(key, signature);
                }

                members.Add(model);
            }

            if (!valid)
            {
                return null;
            }

            var name = type.Name.Length > 1 && type.Name[0] == 'I' && char.IsUpper(type.Name[1]) ? type.Name.Substring(1) : type.Name;
            var interfaceType = SymbolText.Type(type);
            return new Model(
                SymbolText.HintPrefix(type) + ".ContextDecorator.g.cs",
                SymbolText.Scope(type, includeSelf: false),
                type.ContainingType is null && type.DeclaredAccessibility != Accessibility.Public ? "internal" : SymbolText.AccessibilityKeyword(type.DeclaredAccessibility),
                name + "ContextDecorator",
                SymbolText.TypeParameters(type.TypeParameters),
                SymbolText.ConstraintClauses(type.TypeParameters),
                interfaceType,
                interfaceType.Replace('<', '{').Replace('>', '}'),
                type.Name,
                new EquatableArray<MemberModel>(members));
        }

        // The interface's own members in declaration order, then those of every interface it extends.
        private static IEnumerable<(INamedTypeSymbol Declaring, ISymbol Member)> MembersOf(INamedTypeSymbol type)
        {
            foreach (var declaring in new[] { type }.Concat(type.AllInterfaces))
            {
                foreach (var member in declaring.GetMembers())
                {
                    // Accessors come with their property or event; operators only matter when an implementer must supply them.
                    if (member is IMethodSymbol { AssociatedSymbol: not null } ||
                        member is IMethodSymbol { MethodKind: not MethodKind.Ordinary, IsStatic: true, IsAbstract: false, IsVirtual: false })
                    {
                        continue;
                    }

                    if (member is IMethodSymbol or IPropertySymbol or IEventSymbol)
                    {
                        yield return (declaring, member);
                    }
                }
            }
        }

        private static MemberModel? Member(KnownTypes known, INamedTypeSymbol type, INamedTypeSymbol declaring, ISymbol member, List<Diagnostic>? diagnostics, ref bool valid)
        {
            var receiver = SymbolEqualityComparer.Default.Equals(declaring, type) ? Inner : "((" + SymbolText.Type(declaring) + ")" + Inner + ")";
            var blockName = declaring.Name + "." + (member is IPropertySymbol { IsIndexer: true } ? "this[]" : member.Name);
            var attributes = SymbolText.AttributeLists(member.GetAttributes(), target: null);
            switch (member)
            {
                case IMethodSymbol method:
                {
                    var awaitable = method.ReturnsByRef || method.ReturnsByRefReadonly ? AwaitableKind.None : known.AwaitableKindOf(method.ReturnType);
                    if (awaitable != AwaitableKind.None && method.Parameters.Select(Checks.CaptureProblem).FirstOrDefault(p => p is not null) is { } problem)
                    {
                        valid = Unsupported(diagnostics, type, member, "it is asynchronous and " + problem + ", which an async method cannot declare");
                        return null;
                    }

                    return new MemberModel(
                        MemberKind.Method, blockName, SymbolText.Identifier(method.Name), null, receiver, SymbolText.Type(method.ReturnType),
                        RefKindOf(method.ReturnsByRef, method.ReturnsByRefReadonly),
                        attributes + SymbolText.AttributeLists(method.GetReturnTypeAttributes(), "return"),
                        awaitable, SymbolText.TypeParameters(method.TypeParameters), SymbolText.ConstraintClauses(method.TypeParameters),
                        SymbolText.Parameters(method.Parameters), false, false, MeasureName(method.Parameters));
                }

                case IPropertySymbol property:
                    if (property.SetMethod is { IsInitOnly: true })
                    {
                        valid = Unsupported(diagnostics, type, member, "an init accessor cannot set the inner instance's property");
                        return null;
                    }

                    return new MemberModel(
                        property.IsIndexer ? MemberKind.Indexer : MemberKind.Property, blockName, SymbolText.Identifier(property.Name), null, receiver,
                        SymbolText.Type(property.Type), RefKindOf(property.ReturnsByRef, property.ReturnsByRefReadonly), attributes, AwaitableKind.None,
                        "", EquatableArray<string>.Empty, SymbolText.Parameters(property.Parameters),
                        property.GetMethod is not null, property.SetMethod is not null, MeasureName(property.Parameters));

                case IEventSymbol @event:
                    return new MemberModel(
                        MemberKind.Event, blockName, SymbolText.Identifier(@event.Name), null, receiver, SymbolText.Type(@event.Type), "", attributes,
                        AwaitableKind.None, "", EquatableArray<string>.Empty, EquatableArray<ParameterModel>.Empty, false, false, "");

                default:
                    return null;
            }
        }

        // The key an implicit implementation is matched by, and the full signature two members must share to share one.
        private static (string Key, string Signature) Signature(MemberModel member)
        {
            var parameters = string.Join(",", member.Parameters.Select(p => p.Modifier + p.Type));
            var key = member.Kind + " " + member.Name + member.TypeParameters + "(" + parameters + ")";
            return (key, member.RefKind + member.Type + " " + member.HasGetter + member.HasSetter + " " + string.Join(" ", member.Constraints));
        }

        private static string RefKindOf(bool byRef, bool byRefReadonly) => byRefReadonly ? "ref readonly " : byRef ? "ref " : "";

        private static string MeasureName(IEnumerable<IParameterSymbol> parameters)
        {
            var names = new HashSet<string>(parameters.Select(p => p.Name)) { "value" };
            var name = "measure";
            while (names.Contains(name))
            {
                name += "_";
            }

            return name;
        }

        private static bool Unsupported(List<Diagnostic>? diagnostics, INamedTypeSymbol type, ISymbol member, string reason) =>
            Checks.Report(
                diagnostics, Descriptors.UnsupportedDecoratorMember,
                member.Locations.FirstOrDefault(l => l.IsInSource) ?? Checks.LocationOf(type), type.Name, member.ToDisplayString(), reason);
    }
}
