using System;

namespace ContextFlow;

/// <summary>
/// Marks the code that is allowed to touch what the ContextFlow analyzers otherwise reject (raw timers, raw delays,
/// <c>ExecutionContext.SuppressFlow</c>, <c>Unsafe*</c> APIs): the place where a context begins or ends, such as
/// the Clock's own timer. Inside it, CTX1002 and the CTX2xxx and CTX3xxx rules are silent. The reason is mandatory (CTX1000).
/// </summary>
/// <example>
/// <code>
/// [ContextBoundary("Owns the one raw timer behind every CallLater; callbacks get a fresh context")]
/// private ITimer CreateTimer(...) { ... }
/// </code>
/// </example>
[AttributeUsage(
    AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Constructor |
    AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Event,
    Inherited = false)]
public sealed class ContextBoundaryAttribute : Attribute
{
    /// <summary>Marks a context boundary.</summary>
    /// <param name="reason">Why this code must step outside the context rules.</param>
    public ContextBoundaryAttribute(string reason) => Reason = reason;

    /// <summary>Why this code must step outside the context rules.</summary>
    public string Reason { get; }
}
