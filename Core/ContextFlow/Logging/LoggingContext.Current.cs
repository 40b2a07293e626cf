using System.Threading;

namespace ContextFlow;

public sealed partial class LoggingContext
{
    // The sentinel is stored as null, so a flow that never entered a context carries nothing.
    private static readonly AsyncLocal<LoggingContext?> s_current = new();

    // A second slot, written only while CPU tracking is on: an AsyncLocal with a change handler makes every
    // ExecutionContext carrying it register for notifications (an extra allocation per switch, a callback per
    // thread hop), which untracked processes should not pay for.
    private static readonly AsyncLocal<LoggingContext?> s_tracked = new(OnTrackedChanged);

    /// <summary>The context current on this flow of execution; <see cref="Sentinel"/> when none is. Never null.</summary>
    public static LoggingContext Current => s_current.Value ?? Sentinel;

    internal static LoggingContext? CurrentOrNull => s_current.Value;

    internal static void SetCurrent(LoggingContext? context)
    {
        s_current.Value = context;
        if (CpuTracker.Enabled || s_tracked.Value is not null)
        {
            s_tracked.Value = context;
        }
    }

    private static void OnTrackedChanged(AsyncLocalValueChangedArgs<LoggingContext?> args)
    {
        if (CpuTracker.Enabled)
        {
            CpuTracker.Switch(args.CurrentValue);
        }
    }
}
