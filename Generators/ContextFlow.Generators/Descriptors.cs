using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators;

/// <summary>Every diagnostic the generator-usage analyzer reports (CTX9xxx), named by its rule's stem.</summary>
internal static class Descriptors
{
    private const string Category = DescriptorFactory.GeneratorsCategory;

    public static readonly DiagnosticDescriptor NotInPartialType = Create(
        DiagnosticIds.NotInPartialType,
        "Generated members need a partial class",
        "'{0}' is marked [{1}], but {2} is not a partial class; declare it (and every type enclosing it) 'partial class'",
        "The generators add members to the type that declares the marked method (or that encloses the marked interface). That type and every type around it must be declared partial, and a type that gets a background-process starter or an entry point must be a class.");

    public static readonly DiagnosticDescriptor NoOwner = Create(
        DiagnosticIds.NoOwner,
        "No owner reachable for a generated member",
        "'{0}' is marked [{1}], but {2} has no field or property holding {3}; inject one",
        "A background-process starter needs a BackgroundProcesses to run in and an entry point needs the owning server's name. The generator looks for them on the type: the type itself being a Server, a field or property holding a Server, or one holding the part directly.");

    public static readonly DiagnosticDescriptor SeveralOwners = Create(
        DiagnosticIds.SeveralOwners,
        "Several owners reachable for a generated member",
        "'{0}' is marked [{1}], but {2} can reach {3} through several members ({4}); keep one",
        "The generator will not guess which server a generated member belongs to. Members holding a Server win over members holding a Clock or BackgroundProcesses directly; among equals, more than one is ambiguous.");

    public static readonly DiagnosticDescriptor UnsupportedBackgroundProcess = Create(
        DiagnosticIds.UnsupportedBackgroundProcess,
        "Unsupported [BackgroundProcess] method",
        "'{0}' cannot be a background process: {1}",
        "A [BackgroundProcess] method is an ordinary method that returns Task, Task<T>, ValueTask or ValueTask<T>, takes at most one CancellationToken (which receives the process's shutdown token), and has no ref, out or in parameters and no ref struct or pointer parameters, since the generated starter captures its arguments.");

    public static readonly DiagnosticDescriptor UnsupportedEntryPoint = Create(
        DiagnosticIds.UnsupportedEntryPoint,
        "Unsupported [ContextEntryPoint] method",
        "'{0}' cannot be a context entry point: {1}",
        "A [ContextEntryPoint] method becomes an Action<...> or Func<...> delegate: it is an ordinary method, not generic, has at most 16 parameters, no ref, out or in parameters, no ref struct or pointer parameters, and does not return by reference.");

    public static readonly DiagnosticDescriptor UnsupportedDecoratorMember = Create(
        DiagnosticIds.UnsupportedDecoratorMember,
        "Interface member a context decorator cannot wrap",
        "The context decorator for '{0}' cannot wrap '{1}': {2}",
        "The decorator forwards every instance member to the inner instance inside a measured nested context. It cannot forward static abstract members, init accessors, or asynchronous members with ref, out, in or ref struct parameters (an async method cannot declare them).");

    public static readonly DiagnosticDescriptor EmptyName = Create(
        DiagnosticIds.EmptyName,
        "Empty context name",
        "'{0}' is marked [{1}] with an empty name; give the context a name",
        "The name given to [BackgroundProcess] or [ContextEntryPoint] becomes a context name, which appears in every log line, metric and trace of that work. It cannot be empty.");

    public static readonly DiagnosticDescriptor GeneratedMemberConflict = Create(
        DiagnosticIds.GeneratedMemberConflict,
        "Generated member conflicts with another member",
        "'{0}' would generate '{1}', which {2} already declares or another marked method also generates",
        "Each marked method gets one generated member, named after it without an 'Async' suffix. Rename the method, or the member it conflicts with.");

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        DescriptorFactory.Create(id, Category, title, message, description);
}
