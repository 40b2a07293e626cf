using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContextFlow.Generators.Common;

/// <summary>Turns symbols into the C# text the emitters write, so models hold strings only.</summary>
internal static class SymbolText
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private const string CodeAnalysisNamespace = "System.Diagnostics.CodeAnalysis";

    public static string Type(ITypeSymbol type) => type.ToDisplayString(s_typeFormat);

    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string XmlEscape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A name without a trailing <c>Async</c>, e.g. <c>PruneAsync</c> → <c>Prune</c>.</summary>
    public static string WithoutAsyncSuffix(string name) =>
        name.Length > 5 && name.EndsWith("Async", StringComparison.Ordinal) ? name.Substring(0, name.Length - 5) : name;

    public static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        Microsoft.CodeAnalysis.Accessibility.Private => "private",
        _ => "internal",
    };

    public static ParameterModel Parameter(IParameterSymbol parameter)
    {
        var modifier = parameter.IsParams ? "params " : parameter.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            RefKind.RefReadOnlyParameter => "ref readonly ",
            _ => "",
        };
        return new ParameterModel(
            AttributeLists(parameter.GetAttributes(), target: null),
            modifier,
            Type(parameter.Type),
            Identifier(parameter.Name),
            parameter.HasExplicitDefaultValue ? DefaultValue(parameter.Type, parameter.ExplicitDefaultValue) : null);
    }

    public static EquatableArray<ParameterModel> Parameters(IEnumerable<IParameterSymbol> parameters) =>
        new(parameters.Select(Parameter));

    /// <summary>Type parameters as declared, e.g. <c>&lt;TKey, TValue&gt;</c>; empty when there are none. Variance is dropped.</summary>
    public static string TypeParameters(ImmutableArray<ITypeParameterSymbol> typeParameters) =>
        typeParameters.IsEmpty ? "" : "<" + string.Join(", ", typeParameters.Select(t => Identifier(t.Name))) + ">";

    /// <summary>One <c>where</c> clause per constrained type parameter, in declaration order.</summary>
    public static EquatableArray<string> ConstraintClauses(ImmutableArray<ITypeParameterSymbol> typeParameters)
    {
        var clauses = new List<string>();
        foreach (var parameter in typeParameters)
        {
            var constraints = new List<string>();
            if (parameter.HasUnmanagedTypeConstraint)
            {
                constraints.Add("unmanaged");
            }
            else if (parameter.HasValueTypeConstraint)
            {
                constraints.Add("struct");
            }
            else if (parameter.HasReferenceTypeConstraint)
            {
                constraints.Add(parameter.ReferenceTypeConstraintNullableAnnotation == NullableAnnotation.Annotated ? "class?" : "class");
            }
            else if (parameter.HasNotNullConstraint)
            {
                constraints.Add("notnull");
            }

            constraints.AddRange(parameter.ConstraintTypes.Select(Type));
            if (parameter.HasConstructorConstraint)
            {
                constraints.Add("new()");
            }

            if (parameter.AllowsRefLikeType)
            {
                constraints.Add("allows ref struct");
            }

            if (constraints.Count > 0)
            {
                clauses.Add("where " + Identifier(parameter.Name) + " : " + string.Join(", ", constraints));
            }
        }

        return new EquatableArray<string>(clauses);
    }

    /// <summary>
    /// The nullable-analysis attributes (<c>System.Diagnostics.CodeAnalysis</c>) of a member or parameter as attribute
    /// lists, so an implementation states the same contract as the interface member it implements.
    /// </summary>
    public static string AttributeLists(ImmutableArray<AttributeData> attributes, string? target)
    {
        var text = new StringBuilder();
        foreach (var attribute in attributes)
        {
            if (attribute.AttributeClass is not { } attributeClass ||
                attributeClass.ContainingNamespace?.ToDisplayString() != CodeAnalysisNamespace)
            {
                continue;
            }

            var arguments = attribute.ConstructorArguments.Select(a => a.ToCSharpString())
                .Concat(attribute.NamedArguments.Select(a => a.Key + " = " + a.Value.ToCSharpString()))
                .ToList();
            text.Append('[').Append(target is null ? "" : target + ": ").Append(Type(attributeClass));
            if (arguments.Count > 0)
            {
                text.Append('(').Append(string.Join(", ", arguments)).Append(')');
            }

            text.Append("] ");
        }

        return text.ToString();
    }

    public static TypeScopeModel Scope(INamedTypeSymbol type, bool includeSelf)
    {
        var types = new List<ContainingTypeModel>();
        for (var t = includeSelf ? type : type.ContainingType; t is not null; t = t.ContainingType)
        {
            types.Insert(0, new ContainingTypeModel(Keyword(t), Identifier(t.Name) + TypeParameters(t.TypeParameters)));
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        return new TypeScopeModel(ns, new EquatableArray<ContainingTypeModel>(types));
    }

    /// <summary>A file-name-safe, stable prefix for hint names, e.g. <c>Ns.Outer.Cache`1</c>.</summary>
    public static string HintPrefix(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? s = type; s is not null && s is not INamespaceSymbol { IsGlobalNamespace: true }; s = s.ContainingSymbol)
        {
            parts.Insert(0, s.MetadataName);
        }

        var text = new StringBuilder();
        foreach (var c in string.Join(".", parts))
        {
            text.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '`' ? c : '_');
        }

        return text.ToString();
    }

    /// <summary>Whether this type and every type enclosing it is declared <c>partial</c> in source.</summary>
    public static bool IsPartialAll(INamedTypeSymbol type, out INamedTypeSymbol? firstNonPartial)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (!IsPartial(t))
            {
                firstNonPartial = t;
                return false;
            }
        }

        firstNonPartial = null;
        return true;
    }

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(r =>
            r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax declaration &&
            declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static string Keyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Interface => "interface",
        _ => type.IsRecord ? "record" : "class",
    };

    private static string DefaultValue(ITypeSymbol type, object? value)
    {
        if (value is null)
        {
            return type.IsReferenceType ? "null" : "default";
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return "(" + Type(type) + ")(" + Convert.ToString(value, CultureInfo.InvariantCulture) + ")";
        }

        return value switch
        {
            string s => Literal(s),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            _ => "(" + Type(type) + ")(" + Convert.ToString(value, CultureInfo.InvariantCulture) + ")",
        };
    }
}
