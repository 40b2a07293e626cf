using System.Threading;

namespace ContextFlow;

public sealed partial class LoggingContext
{
    // The sentinel is stored as null, so a flow that never entered a context carries nothing.
    private static readonly AsyncLocal<LoggingContext?> s_current = new(OnCurrentChanged);

    /// <summary>The context current on this flow of execution; <see cref="Sentinel"/> when none is. Never null.</summary>
    public static LoggingContext Current => s_current.Value ?? Sentinel;

    internal static LoggingContext? CurrentOrNull => s_current.Value;

    internal static void SetCurrent(LoggingContext? context) => s_current.Value = context;

    private static void OnCurrentChanged(AsyncLocalValueChangedArgs<LoggingContext?> args)
    {
        if (CpuTracker.Enabled)
        {
            CpuTracker.Switch(args.CurrentValue);
        }
    }
}
