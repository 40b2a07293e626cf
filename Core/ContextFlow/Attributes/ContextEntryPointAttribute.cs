using System;

namespace ContextFlow;

/// <summary>
/// Asks the ContextFlow generator for a <c>{Name}EntryPoint</c> delegate that foreign callers (events,
/// third-party callbacks, raw threads) can invoke: it runs the marked method in a fresh context named
/// <paramref name="name"/> of the owning server, whatever context or thread calls it.
/// </summary>
/// <param name="name">The context name the method runs in.</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ContextEntryPointAttribute(string name) : Attribute
{
    /// <summary>The context name the method runs in.</summary>
    public string Name { get; } = name;
}
