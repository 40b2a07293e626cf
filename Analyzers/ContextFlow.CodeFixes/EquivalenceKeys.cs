namespace ContextFlow.CodeFixes;

/// <summary>Every code fix's equivalence key (or key prefix, when one fix is offered per injection target).</summary>
internal static class EquivalenceKeys
{
    public const string AddUsing = "ContextFlow.AddUsing";
    public const string UseFlowingVariant = "ContextFlow.UseFlowingVariant";
    public const string UseAwaitedOverload = "ContextFlow.UseAwaitedOverload";

    /// <summary>Followed by the target, e.g. <c>ContextFlow.UseClock:_clock</c>, so Fix All keeps the chosen target.</summary>
    public const string UseClockPrefix = "ContextFlow.UseClock:";

    public const string UseCallWhenRunningPrefix = "ContextFlow.UseCallWhenRunning:";

    public const string UseBackgroundProcessPrefix = "ContextFlow.UseBackgroundProcess:";
}
