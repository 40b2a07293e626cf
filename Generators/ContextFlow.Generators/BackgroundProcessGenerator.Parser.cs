using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators;

public sealed partial class BackgroundProcessGenerator
{
    /// <summary>Everything the emitter needs for one <c>{Name}InBackground</c> method.</summary>
    /// <param name="Parameters">The generated method's parameters: the marked method's, minus its CancellationToken.</param>
    /// <param name="CallArguments">The arguments of the call to the marked method, with <paramref name="TokenName"/> in the token's place.</param>
    internal sealed record Model(
        string HintName,
        TypeScopeModel Scope,
        string Description,
        string MethodName,
        string GeneratedName,
        string Accessibility,
        bool IsStatic,
        string Receiver,
        string TypeParameters,
        EquatableArray<string> Constraints,
        EquatableArray<ParameterModel> Parameters,
        EquatableArray<string> CallArguments,
        string TokenName,
        bool ReturnsValueTask,
        OwnerModel Owner);

    internal static class Parser
    {
        private const string AttributeName = "BackgroundProcess";

        /// <summary>
        /// The model for <paramref name="method"/>, or <see langword="null"/> when it cannot be generated; every reason
        /// why not is added to <paramref name="diagnostics"/> when given (the analyzer's path).
        /// </summary>
        public static Model? Parse(KnownTypes known, IMethodSymbol method, AttributeData attribute, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
        {
            var description = Checks.NameArgument(attribute);
            if (description is null)
            {
                return null;
            }

            var type = method.ContainingType;
            var valid = Checks.NamedMethodInPartialClass(method, attribute, AttributeName, description, diagnostics);

            if (SignatureProblem(method, known) is { } problem)
            {
                valid = Checks.Report(diagnostics, Descriptors.UnsupportedBackgroundProcess, Checks.LocationOf(method), method.Name, problem);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var owners = Owners.Find(known, type, method.IsStatic, OwnerNeed.BackgroundProcesses, method.Parameters.Select(p => p.Name).ToList());
            valid &= Checks.SingleOwner(owners, method, AttributeName, "a BackgroundProcesses or a Server", "background processes", diagnostics);

            var generatedName = GeneratedName(method);
            if (Checks.DeclaresByHand(type, generatedName) || HasTwin(method, known))
            {
                valid = Checks.Report(diagnostics, Descriptors.GeneratedMemberConflict, Checks.LocationOf(method), method.Name, generatedName, type.Name);
            }

            if (!valid)
            {
                return null;
            }

            var kept = method.Parameters.Where(p => !known.IsCancellationToken(p.Type)).ToList();
            var tokenName = "cancellationToken";
            while (kept.Any(p => p.Name == tokenName) || owners[0].Display == tokenName)
            {
                tokenName += "_";
            }

            var overload = Checks.OverloadIndex(method);
            return new Model(
                SymbolText.HintPrefix(type) + "." + method.Name + (overload == 0 ? "" : "_" + (overload + 1)) + ".BackgroundProcess.g.cs",
                SymbolText.Scope(type, includeSelf: true),
                description,
                SymbolText.Identifier(method.Name),
                generatedName,
                SymbolText.AccessibilityKeyword(method.DeclaredAccessibility),
                method.IsStatic,
                method.IsStatic ? SymbolText.Type(type) : "this",
                SymbolText.TypeParameters(method.TypeParameters),
                SymbolText.ConstraintClauses(method.TypeParameters),
                SymbolText.Parameters(kept),
                new EquatableArray<string>(method.Parameters.Select(p => known.IsCancellationToken(p.Type) ? tokenName : SymbolText.Identifier(p.Name))),
                tokenName,
                known.AwaitableKindOf(method.ReturnType) is AwaitableKind.ValueTask or AwaitableKind.ValueTaskOfT,
                owners[0]);
        }

        private static string GeneratedName(IMethodSymbol method) => SymbolText.WithoutAsyncSuffix(method.Name) + "InBackground";

        private static string? SignatureProblem(IMethodSymbol method, KnownTypes known)
        {
            if (Checks.MethodKindProblem(method) is { } kindProblem)
            {
                return kindProblem;
            }

            if (known.AwaitableKindOf(method.ReturnType) == AwaitableKind.None)
            {
                return "it must return Task, Task<T>, ValueTask or ValueTask<T>";
            }

            if (method.Parameters.Count(p => known.IsCancellationToken(p.Type)) > 1)
            {
                return "it takes more than one CancellationToken";
            }

            return method.Parameters.Select(Checks.CaptureProblem).FirstOrDefault(p => p is not null);
        }

        // Another marked method of the type that would generate the same name and parameter types.
        private static bool HasTwin(IMethodSymbol method, KnownTypes known)
        {
            var name = GeneratedName(method);
            var signature = KeptSignature(method, known);
            return Checks.MarkedSiblings(method, KnownTypes.BackgroundProcessAttribute)
                .Any(s => GeneratedName(s.Method) == name && KeptSignature(s.Method, known) == signature);
        }

        private static string KeptSignature(IMethodSymbol method, KnownTypes known) => method.TypeParameters.Length + "(" +
            string.Join(",", method.Parameters.Where(p => !known.IsCancellationToken(p.Type)).Select(p => p.Type.ToDisplayString())) + ")";
    }
}
