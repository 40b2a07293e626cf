using System;

namespace ContextFlow.Hosting;

/// <summary>
/// Thrown by <see cref="ServerHost.ProvisionAsync{TConfig, TServer}"/> when the server it was provisioning shut down
/// before provisioning completed: deprovisioned (<see cref="ServerHost.DeprovisionAsync"/>), shut down by its own code,
/// or shut down with the host. Whatever step was under way when that happened (setup or start), this is what the caller
/// gets, once the server has finished shutting down; the server is not hosted and
/// <see cref="ServerHost.ServerProvisioned"/> was not raised for it.
/// </summary>
/// <remarks>
/// It derives from <see cref="OperationCanceledException"/>, as provisioning was cancelled by another party: code that
/// treats cancellation as an orderly outcome keeps doing so. Its <see cref="OperationCanceledException.CancellationToken"/>
/// is not the caller's token, which tells it from the caller's own cancellation.
/// </remarks>
public sealed class ProvisioningCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ProvisioningCanceledException()
        : this("The server shut down before its provisioning completed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ProvisioningCanceledException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">What the interrupted step failed with, if anything.</param>
    public ProvisioningCanceledException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ServerName = string.Empty;
    }

    private ProvisioningCanceledException(string serverName, string message, Exception? interrupted)
        : base(message, interrupted)
    {
        ServerName = serverName;
    }

    /// <summary>The server whose provisioning was cancelled; empty when the exception was created without one.</summary>
    public string ServerName { get; }

    internal static ProvisioningCanceledException For(string serverName, Exception? interrupted) =>
        new(serverName, $"Server {serverName} was shut down before its provisioning completed", interrupted);
}
