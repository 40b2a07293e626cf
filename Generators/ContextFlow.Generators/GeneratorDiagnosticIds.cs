namespace ContextFlow.Generators;

/// <summary>
/// The IDs of the generator-usage diagnostics (band 9xxx), reported by <see cref="GeneratorUsageAnalyzer"/>; no ID
/// literal appears anywhere else. They live here, not in <c>ContextFlow.Analyzers.DiagnosticIds</c>, because the
/// analyzer that reports them shares its checks with the generators (one parser decides both what is generated and
/// what is reported), and an assembly of its own cannot reach across to the analyzers' table.
/// The 1xxx–3xxx bands belong to <c>ContextFlow.Analyzers.DiagnosticIds</c>; a test keeps the two tables disjoint.
/// </summary>
public static class GeneratorDiagnosticIds
{
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
