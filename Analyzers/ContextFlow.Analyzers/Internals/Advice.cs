using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Analyzers.Internals;

/// <summary>Builds the "what to do instead" half of a message and the properties a code fix reads.</summary>
internal static class Advice
{
    /// <summary>The key of <see cref="Diagnostic.Properties"/> that names the shape a code fix rewrites.</summary>
    public const string ShapeKey = "Shape";

    /// <summary>"use _clock.CallLater" when a target is reachable; otherwise what to inject.</summary>
    public static string Use(ImmutableArray<string> targets, string member, string inject) =>
        targets.IsEmpty ? inject : $"use {targets[0]}.{member} instead";

    public static ImmutableDictionary<string, string?> Properties(ImmutableArray<string> targets, string? shape)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        if (!targets.IsEmpty)
        {
            builder[InjectionTargets.PropertyKey] = string.Join(InjectionTargets.Separator.ToString(), targets);
        }

        if (shape is not null)
        {
            builder[ShapeKey] = shape;
        }

        return builder.ToImmutable();
    }
}
