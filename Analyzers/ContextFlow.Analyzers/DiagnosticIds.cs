namespace ContextFlow.Analyzers;

/// <summary>Every diagnostic ID ContextFlow reports; no ID literal appears anywhere else.</summary>
public static class DiagnosticIds
{
    // 1xxx: the logging context itself.
    public const string ContextBoundaryWithoutReason = "CTX1000";
    public const string UndisposedContextScope = "CTX1001";
    public const string SentinelProducingApi = "CTX1002";

    // 2xxx: time and scheduling.
    public const string RawTimer = "CTX2001";
    public const string RawDelay = "CTX2002";
    public const string RawWhenRunningCallback = "CTX2003";
    public const string ClockOutsideServer = "CTX2004";

    // 3xxx: background work.
    public const string FireAndForget = "CTX3001";
}
