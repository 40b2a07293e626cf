namespace ContextFlow.Hosting;

/// <summary>Where a <see cref="Server"/> is in its lifecycle. States only move forward, in this order.</summary>
public enum ServerState
{
    /// <summary>Constructed: nothing set up, nothing scheduled.</summary>
    Created,

    /// <summary><see cref="Server.SetupAsync"/> is running.</summary>
    SettingUp,

    /// <summary>Set up; not started.</summary>
    SetUp,

    /// <summary><see cref="Server.StartAsync"/> was called; the start work waits for the process to run, or is running.</summary>
    Starting,

    /// <summary>Started: serving.</summary>
    Running,

    /// <summary>Setup or start failed; only <see cref="Server.ShutdownAsync"/> remains to be done.</summary>
    Failed,

    /// <summary><see cref="Server.ShutdownAsync"/> is running.</summary>
    ShuttingDown,

    /// <summary>Shut down: the server holds nothing and schedules nothing.</summary>
    ShutDown,
}
