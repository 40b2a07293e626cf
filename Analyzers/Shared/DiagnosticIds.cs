// One source file compiled into ContextFlow.Analyzers and into ContextFlow.Generators (linked, see
// Analyzers/Shared/Shared.props): each assembly gets the same table under its own namespace, so the two assemblies,
// packed side by side, need no reference to each other, and a test project that sees both finds no ambiguity.
#if CONTEXTFLOW_GENERATORS
namespace ContextFlow.Generators;
#else
namespace ContextFlow.Analyzers;
#endif

/// <summary>
/// Every diagnostic ID ContextFlow reports; no ID literal appears anywhere else. A constant's name is its rule's stem:
/// the analyzer <c>{Stem}Analyzer</c>, the code fix <c>{Stem}CodeFix</c>, their tests and the descriptor
/// <c>Descriptors.{Stem}</c> (CTX9xxx: the descriptor and <c>{Stem}Tests</c>; one analyzer,
/// <c>GeneratorUsageAnalyzer</c>, reports them all from the generators' own parsers).
/// </summary>
public static class DiagnosticIds
{
    // 1xxx: the logging context itself.
    public const string ContextBoundaryWithoutReason = "CTX1000";
    public const string UndisposedScope = "CTX1001";
    public const string SentinelApi = "CTX1002";

    // 2xxx: time and scheduling.
    public const string RawTimer = "CTX2001";
    public const string RawDelay = "CTX2002";
    public const string RawLifetimeCallback = "CTX2003";
    public const string ClockOutsideServer = "CTX2004";

    // 3xxx: background work.
    public const string FireAndForget = "CTX3001";
    public const string AsyncVoidCallback = "CTX3002";

    // 9xxx: generator usage.
    public const string NotInPartialType = "CTX9001";
    public const string NoOwner = "CTX9002";
    public const string SeveralOwners = "CTX9003";
    public const string UnsupportedBackgroundProcess = "CTX9004";
    public const string UnsupportedEntryPoint = "CTX9005";
    public const string UnsupportedDecoratorMember = "CTX9006";
    public const string EmptyName = "CTX9007";
    public const string GeneratedMemberConflict = "CTX9008";
}
