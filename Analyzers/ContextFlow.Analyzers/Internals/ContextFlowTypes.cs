using Microsoft.CodeAnalysis;

namespace ContextFlow.Analyzers.Internals;

/// <summary>The types every rule matches against, resolved once per compilation.</summary>
internal sealed class ContextFlowTypes
{
    private ContextFlowTypes(Compilation compilation, INamedTypeSymbol boundary)
    {
        Compilation = compilation;
        ContextBoundaryAttribute = boundary;
        LoggingContextScope = compilation.GetTypeByMetadataName("ContextFlow.LoggingContextScope");
        Clock = compilation.GetTypeByMetadataName("ContextFlow.Time.Clock");
        BackgroundProcesses = compilation.GetTypeByMetadataName("ContextFlow.Background.BackgroundProcesses");
        Server = compilation.GetTypeByMetadataName("ContextFlow.Hosting.Server");
        ServerHost = compilation.GetTypeByMetadataName("ContextFlow.Hosting.ServerHost");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        ConfiguredTaskAwaitable = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable");
        ConfiguredTaskAwaitableOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1");
        ConfiguredValueTaskAwaitable = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable");
        ConfiguredValueTaskAwaitableOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        ExecutionContext = compilation.GetTypeByMetadataName("System.Threading.ExecutionContext");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        CancellationTokenSource = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
        CriticalNotifyCompletion = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ICriticalNotifyCompletion");
        ThreadingTimer = compilation.GetTypeByMetadataName("System.Threading.Timer");
        TimersTimer = compilation.GetTypeByMetadataName("System.Timers.Timer");
        PeriodicTimer = compilation.GetTypeByMetadataName("System.Threading.PeriodicTimer");
        TimeProvider = compilation.GetTypeByMetadataName("System.TimeProvider");
        Timeout = compilation.GetTypeByMetadataName("System.Threading.Timeout");
        HostApplicationLifetime = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostApplicationLifetime");
        GeneratedCodeAttribute = compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute");
        TenantGrain = compilation.GetTypeByMetadataName("ContextFlow.Orleans.TenantGrain`2");
        Grain = compilation.GetTypeByMetadataName("Orleans.Grain");
        GrainBaseExtensions = compilation.GetTypeByMetadataName("Orleans.GrainBaseExtensions");
        TimerRegistry = compilation.GetTypeByMetadataName("Orleans.Timers.ITimerRegistry");
    }

    public Compilation Compilation { get; }
    public INamedTypeSymbol ContextBoundaryAttribute { get; }
    public INamedTypeSymbol? LoggingContextScope { get; }
    public INamedTypeSymbol? Clock { get; }
    public INamedTypeSymbol? BackgroundProcesses { get; }
    public INamedTypeSymbol? Server { get; }
    public INamedTypeSymbol? ServerHost { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol? ConfiguredTaskAwaitable { get; }
    public INamedTypeSymbol? ConfiguredTaskAwaitableOfT { get; }
    public INamedTypeSymbol? ConfiguredValueTaskAwaitable { get; }
    public INamedTypeSymbol? ConfiguredValueTaskAwaitableOfT { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? TaskFactoryOfT { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? ExecutionContext { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? CancellationTokenSource { get; }
    public INamedTypeSymbol? CriticalNotifyCompletion { get; }
    public INamedTypeSymbol? ThreadingTimer { get; }
    public INamedTypeSymbol? TimersTimer { get; }
    public INamedTypeSymbol? PeriodicTimer { get; }
    public INamedTypeSymbol? TimeProvider { get; }
    public INamedTypeSymbol? Timeout { get; }
    public INamedTypeSymbol? HostApplicationLifetime { get; }
    public INamedTypeSymbol? GeneratedCodeAttribute { get; }

    /// <summary><c>ContextFlow.Orleans.TenantGrain&lt;TConfig, TServer&gt;</c>: null unless ContextFlow.Orleans is referenced.</summary>
    public INamedTypeSymbol? TenantGrain { get; }
    public INamedTypeSymbol? Grain { get; }
    public INamedTypeSymbol? GrainBaseExtensions { get; }
    public INamedTypeSymbol? TimerRegistry { get; }

    /// <summary>The types of a compilation, or null when it does not reference ContextFlow (the rules stay silent then).</summary>
    public static ContextFlowTypes? Create(Compilation compilation)
    {
        var boundary = compilation.GetTypeByMetadataName("ContextFlow.ContextBoundaryAttribute");
        return boundary is null ? null : new ContextFlowTypes(compilation, boundary);
    }

    /// <summary>True for Task, Task&lt;T&gt;, ValueTask and ValueTask&lt;T&gt;.</summary>
    public bool IsTaskLike(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            // The value of a null-conditional call of a ValueTask method (a?.DisposeAsync()) is a ValueTask?.
            return named.TypeArguments.Length == 1 && IsTaskLike(named.TypeArguments[0]);
        }

        var definition = named.OriginalDefinition;
        return Is(definition, Task) || Is(definition, TaskOfT) || Is(definition, ValueTask) || Is(definition, ValueTaskOfT);
    }

    /// <summary>True for the awaitables <c>ConfigureAwait</c> returns: (Value)Task's ConfiguredTaskAwaitable, with or without a result.</summary>
    public bool IsConfiguredAwaitable(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        var definition = named.OriginalDefinition;
        return Is(definition, ConfiguredTaskAwaitable) || Is(definition, ConfiguredTaskAwaitableOfT) ||
               Is(definition, ConfiguredValueTaskAwaitable) || Is(definition, ConfiguredValueTaskAwaitableOfT);
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="baseType"/> or derives from it.</summary>
    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Is(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Is(ISymbol? symbol, ISymbol? other) =>
        other is not null && SymbolEqualityComparer.Default.Equals(symbol, other);
}
