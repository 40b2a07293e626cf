using System;

namespace ContextFlow.Time;

/// <summary>
/// A readable name for a callback, for the log lines that say which one a shutdown gave up waiting for:
/// <c>TenantServer.StopListener</c> for a method, <c>TenantServer.OnStartAsync (lambda)</c> for a lambda or local
/// function written there.
/// </summary>
internal static class CallbackName
{
    public static string Of(Delegate callback)
    {
        var method = callback.Method;
        var type = method.DeclaringType;

        // Lambdas live in compiler-generated types ("<>c", "<>c__DisplayClass3_0") nested in the type that wrote them.
        while (type is { DeclaringType: not null } && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType;
        }

        // ... and are named after the member that wrote them: "<OnStartAsync>b__3_0", "<OnStartAsync>g__Stop|3_0".
        var name = method.Name;
        if (name.StartsWith('<') && name.IndexOf('>', StringComparison.Ordinal) is > 1 and var end)
        {
            name = $"{name[1..end]} (lambda)";
        }

        return type is null ? name : $"{type.Name}.{name}";
    }
}
