using System;

namespace ContextFlow.Hosting;

/// <summary>
/// Thrown by <see cref="ServerHost.ProvisionAsync{TConfig, TServer}"/> for a server name the host already holds (or
/// is provisioning). Nothing was created for the second configuration.
/// </summary>
public sealed class ServerAlreadyHostedException : InvalidOperationException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ServerAlreadyHostedException()
        : this("A server of that name is already hosted.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ServerAlreadyHostedException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ServerAlreadyHostedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ServerName = string.Empty;
    }

    internal ServerAlreadyHostedException(string serverName, bool hosted)
        : base(hosted ? $"Server {serverName} is already hosted" : $"Server {serverName} is being provisioned")
    {
        ServerName = serverName;
    }

    /// <summary>The name already taken; empty when the exception was created without one.</summary>
    public string ServerName { get; }
}
