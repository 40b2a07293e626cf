using System;
using System.Globalization;
using Orleans.Runtime;

namespace ContextFlow.Orleans;

/// <summary>
/// The request a grain call carries: the caller's request id and requester as one string in one
/// <see cref="RequestContext"/> entry, <see cref="Key"/>, written <c>"{length of the id}:{id}{requester}"</c>
/// (<c>"5:GET-1@ann:alpha"</c>; <c>"5:GET-1"</c> without a requester).
/// </summary>
/// <remarks>
/// One entry rather than one per value: each entry is serialized, deserialized and copied with every message that
/// carries it. A string rather than a type of ContextFlow's: every silo and client can read it, whatever it
/// references, so a call through a silo without ContextFlow still arrives. The length prefix keeps any id apart from
/// its requester, whatever characters either holds.
/// </remarks>
internal static class CarriedRequest
{
    /// <summary>The <see cref="RequestContext"/> key.</summary>
    internal const string Key = "ContextFlow.Request";

    /// <summary>The request the current call carries, as the caller's context had it; <see langword="null"/> when none or unreadable.</summary>
    public static RequestInfo? Incoming() => RequestContext.Get(Key) is string carried ? Decode(carried) : null;

    /// <summary>What <paramref name="request"/> travels as; <see langword="null"/> for no request.</summary>
    public static string? Encode(RequestInfo? request) => request is { RequestId: { Length: > 0 } id }
        ? string.Create(CultureInfo.InvariantCulture, $"{id.Length}:{id}{request.Requester}")
        : null;

    /// <summary>Whether <paramref name="carried"/> (a value of <see cref="Key"/>, or <see langword="null"/>) is what <paramref name="request"/> travels as.</summary>
    public static bool Matches(string? carried, RequestInfo? request)
    {
        if (request is not { RequestId: { Length: > 0 } id })
        {
            return carried is null;
        }

        if (carried is null || !TrySplit(carried, out var idStart, out var idLength))
        {
            return false;
        }

        var value = carried.AsSpan();
        return value.Slice(idStart, idLength).SequenceEqual(id) && value[(idStart + idLength)..].SequenceEqual(request.Requester);
    }

    /// <summary>The request <paramref name="carried"/> stands for: its id and requester; <see langword="null"/> if it is not of this format.</summary>
    public static RequestInfo? Decode(string carried)
    {
        if (!TrySplit(carried, out var idStart, out var idLength) || idLength == 0)
        {
            return null;
        }

        var requesterStart = idStart + idLength;
        return new RequestInfo(
            carried.Substring(idStart, idLength),
            Requester: requesterStart == carried.Length ? null : carried[requesterStart..]);
    }

    private static bool TrySplit(string carried, out int idStart, out int idLength)
    {
        var colon = carried.IndexOf(':', StringComparison.Ordinal);
        idStart = colon + 1;
        return int.TryParse(carried.AsSpan(0, Math.Max(colon, 0)), NumberStyles.None, CultureInfo.InvariantCulture, out idLength) &&
               colon > 0 && idLength <= carried.Length - idStart;
    }
}
