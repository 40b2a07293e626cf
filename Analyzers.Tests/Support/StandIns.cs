using ContextFlow;

namespace ContextFlow.Analyzers.Tests.Support;

/// <summary>
/// Declarations of ContextFlow types that the rules match by metadata name, for test sources, only while the
/// library does not define them yet; once it does, the test sources use the real types.
/// </summary>
internal static class StandIns
{
    /// <summary>A minimal <c>ContextFlow.Hosting.Server</c> when the library has none.</summary>
    public static string Server => Missing("ContextFlow.Hosting.Server") ? """

        namespace ContextFlow.Hosting
        {
            public abstract class Server
            {
                public ContextFlow.Time.Clock Clock { get; } = null!;
            }
        }
        """ : "";

    /// <summary>A minimal <c>ContextFlow.Background.BackgroundProcesses</c> when the library has none.</summary>
    public static string BackgroundProcesses => Missing("ContextFlow.Background.BackgroundProcesses") ? """

        namespace ContextFlow.Background
        {
            public sealed class BackgroundProcesses
            {
                public System.Threading.Tasks.Task RunAsBackgroundProcess(string description, System.Func<System.Threading.CancellationToken, System.Threading.Tasks.Task> work) => work(default);
            }
        }
        """ : "";

    private static bool Missing(string metadataName) => typeof(LoggingContext).Assembly.GetType(metadataName) is null;
}
