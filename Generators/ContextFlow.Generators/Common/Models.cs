namespace ContextFlow.Generators.Common;

/// <summary>One of the types enclosing generated members, outermost first, as a <c>partial</c> declaration needs it.</summary>
/// <param name="Keyword">"class", "record", "struct", "record struct" or "interface".</param>
/// <param name="Name">The name with its type parameters, e.g. <c>Cache&lt;TKey&gt;</c>.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>Where generated members go: a namespace (empty for the global one) and the enclosing types.</summary>
internal sealed record TypeScopeModel(string Namespace, EquatableArray<ContainingTypeModel> Types);

/// <summary>A parameter, split so it can be declared with or without its default and passed on as an argument.</summary>
/// <param name="Attributes">Attribute lists to restate on the parameter (nullable-analysis attributes), or empty.</param>
/// <param name="Modifier">"ref ", "out ", "in ", "ref readonly ", "params " or empty.</param>
/// <param name="Type">The fully qualified type, with nullable annotations.</param>
/// <param name="Name">The name, escaped when it is a keyword.</param>
/// <param name="DefaultValue">The default value as C# text, or <see langword="null"/>.</param>
internal sealed record ParameterModel(string Attributes, string Modifier, string Type, string Name, string? DefaultValue)
{
    public string Declaration(bool withDefault = true) =>
        Attributes + Modifier + Type + " " + Name + (withDefault && DefaultValue is not null ? " = " + DefaultValue : "");

    /// <summary>How the parameter is passed on: its name, with <c>ref</c>/<c>out</c>/<c>in</c> where needed.</summary>
    public string Argument => Modifier switch
    {
        "ref " or "out " or "in " => Modifier + Name,
        "ref readonly " => "in " + Name,
        _ => Name,
    };
}

/// <summary>How to reach what a generated member needs (background processes or a server name) from the type.</summary>
/// <param name="Expression">C# text for the owner, e.g. <c>this._server.BackgroundProcesses</c>.</param>
/// <param name="Display">The member it goes through, for messages, e.g. <c>_server</c>.</param>
/// <param name="MayBeNull">Whether the member is annotated nullable, so the generated code must check it.</param>
internal sealed record OwnerModel(string Expression, string Display, bool MayBeNull);

/// <summary>
/// Names the generators give to their pipeline steps, read by the caching tests: <see cref="Parsed"/> turns each marked
/// declaration into a model (or null when it cannot be generated); <see cref="Valid"/> keeps the models.
/// </summary>
internal static class TrackingNames
{
    public const string Parsed = nameof(Parsed);
    public const string Valid = nameof(Valid);

    /// <summary>Every step name, for tests that walk them all.</summary>
    public static readonly string[] All = { Parsed, Valid };
}
