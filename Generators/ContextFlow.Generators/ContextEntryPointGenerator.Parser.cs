using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators;

public sealed partial class ContextEntryPointGenerator
{
    /// <summary>Everything the emitter needs for one <c>{Name}EntryPoint</c> property.</summary>
    /// <param name="DelegateType">The <c>Action&lt;...&gt;</c> or <c>Func&lt;...&gt;</c> the property returns.</param>
    /// <param name="Parameters">The lambda's parameter names, in order.</param>
    internal sealed record Model(
        string HintName,
        TypeScopeModel Scope,
        string ContextName,
        string MethodName,
        string GeneratedName,
        string Accessibility,
        bool IsStatic,
        string Receiver,
        string DelegateType,
        EquatableArray<string> Parameters,
        AwaitableKind Awaitable,
        bool ReturnsVoid,
        OwnerModel Owner);

    internal static class Parser
    {
        private const string AttributeName = "ContextEntryPoint";

        // Action and Func stop at 16 parameters.
        private const int MaxParameters = 16;

        public static Model? Parse(KnownTypes known, IMethodSymbol method, AttributeData attribute, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
        {
            var contextName = Checks.NameArgument(attribute);
            if (contextName is null)
            {
                return null;
            }

            var type = method.ContainingType;
            var valid = Checks.NamedMethodInPartialClass(method, attribute, AttributeName, contextName, diagnostics);

            if (SignatureProblem(method) is { } problem)
            {
                valid = Checks.Report(diagnostics, Descriptors.UnsupportedEntryPoint, Checks.LocationOf(method), method.Name, problem);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var owners = Owners.Find(known, type, method.IsStatic, OwnerNeed.ServerName, method.Parameters.Select(p => p.Name).ToList());
            valid &= Checks.SingleOwner(owners, method, AttributeName, "a Server or a Clock", "its server", diagnostics);

            var generatedName = GeneratedName(method);
            if (Checks.DeclaresByHand(type, generatedName) ||
                Checks.MarkedSiblings(method, KnownTypes.ContextEntryPointAttribute).Any(s => GeneratedName(s.Method) == generatedName))
            {
                valid = Checks.Report(diagnostics, Descriptors.GeneratedMemberConflict, Checks.LocationOf(method), method.Name, generatedName, type.Name);
            }

            if (!valid)
            {
                return null;
            }

            var returnsVoid = method.ReturnsVoid;
            var typeArguments = method.Parameters.Select(p => SymbolText.Type(p.Type)).ToList();
            if (!returnsVoid)
            {
                typeArguments.Add(SymbolText.Type(method.ReturnType));
            }

            var delegateType = (returnsVoid ? "global::System.Action" : "global::System.Func") +
                (typeArguments.Count == 0 ? "" : "<" + string.Join(", ", typeArguments) + ">");
            var overload = Checks.OverloadIndex(method);
            return new Model(
                SymbolText.HintPrefix(type) + "." + method.Name + (overload == 0 ? "" : "_" + (overload + 1)) + ".ContextEntryPoint.g.cs",
                SymbolText.Scope(type, includeSelf: true),
                contextName,
                SymbolText.Identifier(method.Name),
                generatedName,
                SymbolText.AccessibilityKeyword(method.DeclaredAccessibility),
                method.IsStatic,
                method.IsStatic ? SymbolText.Type(type) : "this",
                delegateType,
                new EquatableArray<string>(method.Parameters.Select(p => SymbolText.Identifier(p.Name))),
                known.AwaitableKindOf(method.ReturnType),
                returnsVoid,
                owners[0]);
        }

        private static string GeneratedName(IMethodSymbol method) => SymbolText.WithoutAsyncSuffix(method.Name) + "EntryPoint";

        private static string? SignatureProblem(IMethodSymbol method)
        {
            if (Checks.MethodKindProblem(method) is { } kindProblem)
            {
                return kindProblem;
            }

            if (method.IsGenericMethod)
            {
                return "a generic method has no single delegate type";
            }

            if (method.Parameters.Length > MaxParameters)
            {
                return $"it has more than {MaxParameters} parameters";
            }

            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                return "it returns by reference";
            }

            if (method.ReturnType.IsRefLikeType || method.ReturnType.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
            {
                return "it returns a ref struct or a pointer";
            }

            return method.Parameters.Select(Checks.CaptureProblem).FirstOrDefault(p => p is not null);
        }
    }
}
