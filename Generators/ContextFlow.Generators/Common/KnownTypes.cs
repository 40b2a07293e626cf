using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators.Common;

/// <summary>
/// The ContextFlow and BCL types the generators and their analyzer look for, by metadata name. Types a compilation
/// lacks (for example <c>ContextFlow.Hosting.Server</c> in a version of ContextFlow without it) are
/// <see langword="null"/>, and whatever depends on them is simply not offered.
/// </summary>
internal sealed class KnownTypes
{
    public const string BackgroundProcessAttribute = "ContextFlow.BackgroundProcessAttribute";
    public const string ContextDecoratorAttribute = "ContextFlow.ContextDecoratorAttribute";
    public const string ContextEntryPointAttribute = "ContextFlow.ContextEntryPointAttribute";
    public const string BackgroundProcessesName = "ContextFlow.Background.BackgroundProcesses";
    public const string ClockName = "ContextFlow.Time.Clock";
    public const string ServerName = "ContextFlow.Hosting.Server";

    /// <summary>The property of a <c>Server</c> holding its background processes.</summary>
    public const string BackgroundProcessesProperty = "BackgroundProcesses";

    /// <summary>The property of a <c>Server</c> and of a <c>Clock</c> holding the server's name.</summary>
    public const string ServerNameProperty = "ServerName";

    public KnownTypes(Compilation compilation)
    {
        Compilation = compilation;
        BackgroundProcesses = compilation.GetTypeByMetadataName(BackgroundProcessesName);
        Clock = compilation.GetTypeByMetadataName(ClockName);
        Server = compilation.GetTypeByMetadataName(ServerName);
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? BackgroundProcesses { get; }

    public INamedTypeSymbol? Clock { get; }

    public INamedTypeSymbol? Server { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    /// <summary>What kind of awaitable <paramref name="type"/> is, among the four the generators understand.</summary>
    public AwaitableKind AwaitableKindOf(ITypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(definition, Task))
        {
            return AwaitableKind.Task;
        }

        if (SymbolEqualityComparer.Default.Equals(definition, TaskOfT))
        {
            return AwaitableKind.TaskOfT;
        }

        if (SymbolEqualityComparer.Default.Equals(definition, ValueTask))
        {
            return AwaitableKind.ValueTask;
        }

        return SymbolEqualityComparer.Default.Equals(definition, ValueTaskOfT) ? AwaitableKind.ValueTaskOfT : AwaitableKind.None;
    }

    public bool IsCancellationToken(ITypeSymbol type) => SymbolEqualityComparer.Default.Equals(type, CancellationToken);
}

/// <summary>The task types the generated code awaits or hands on.</summary>
internal enum AwaitableKind
{
    None,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
