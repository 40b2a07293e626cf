using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Analyzers.Internals;

/// <summary>
/// What every rule needs of one compilation, built once for it and shared by all rules: the well-known types, the
/// <c>[ContextBoundary]</c> and generated-code checks (with their caches), and the injection-target finders.
/// </summary>
internal sealed class RuleCompilation
{
    // Keyed weakly by the compilation, so the caches live exactly as long as it does and the eight rules share them.
    private static readonly ConditionalWeakTable<Compilation, RuleCompilation> s_shared = new();

    private RuleCompilation(ContextFlowTypes types)
    {
        Types = types;
        Boundary = new ContextBoundary(types.ContextBoundaryAttribute);
        Generated = new GeneratedCode(types);
        ClockTargets = new InjectionTargets(types.Clock, types.Server, "Clock");
        BackgroundProcessTargets = new InjectionTargets(types.BackgroundProcesses, types.Server, "BackgroundProcesses");
        AwaitedOverloads = new AwaitedOverloads(types);
    }

    public ContextFlowTypes Types { get; }

    public ContextBoundary Boundary { get; }

    public GeneratedCode Generated { get; }

    /// <summary>Where a fix can find a <c>Clock</c> (directly or through a <c>Server</c>).</summary>
    public InjectionTargets ClockTargets { get; }

    /// <summary>Where a fix can find a <c>BackgroundProcesses</c> (directly or through a <c>Server</c>).</summary>
    public InjectionTargets BackgroundProcessTargets { get; }

    /// <summary>The awaited sibling of an overload taking a void delegate (CTX3002, and CTX3001 leaving those sites to it).</summary>
    public AwaitedOverloads AwaitedOverloads { get; }

    /// <summary>The state of a compilation, or null when it does not reference ContextFlow (the rules stay silent then).</summary>
    public static RuleCompilation? For(Compilation compilation)
    {
        if (s_shared.TryGetValue(compilation, out var shared))
        {
            return shared;
        }

        var types = ContextFlowTypes.Create(compilation);
        return types is null ? null : s_shared.GetValue(compilation, _ => new RuleCompilation(types));
    }

    /// <summary>True when a rule the attribute silences must not report here: inside a boundary or in generated code.</summary>
    public bool IsExempt(IOperation operation, ISymbol containingSymbol, CancellationToken cancellationToken) =>
        Boundary.Contains(operation, containingSymbol) || Generated.Contains(operation, containingSymbol, cancellationToken);
}
