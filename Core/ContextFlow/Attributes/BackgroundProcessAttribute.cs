using System;

namespace ContextFlow;

/// <summary>
/// Asks the ContextFlow generator for a <c>{Name}InBackground(...)</c> method that starts the marked method as a
/// background process: a fresh context named <c>"{description}-{n}"</c> of the owning server, with no parent.
/// The method must return <see cref="System.Threading.Tasks.Task"/> or <see cref="System.Threading.Tasks.ValueTask"/>
/// and belong to a <see langword="partial"/> class that can reach a <c>BackgroundProcesses</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class BackgroundProcessAttribute : Attribute
{
    /// <summary>Marks a background process.</summary>
    /// <param name="description">The process name, used in its context name, metrics and traces.</param>
    public BackgroundProcessAttribute(string description) => Description = description;

    /// <summary>The process name, used in its context name, metrics and traces.</summary>
    public string Description { get; }
}
