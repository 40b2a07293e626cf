using System;

namespace ContextFlow.Hosting;

/// <summary>
/// Thrown by <see cref="ServerHost.GetOrActivateAsync"/> for a server its directory knows but that cannot serve now:
/// disabled, not provisioned yet, or its activation failed and is not retried before <see cref="RetryAfter"/>. A web
/// front end answers it 503, with <c>Retry-After</c> when <see cref="RetryAfter"/> is set.
/// </summary>
public sealed class ServerUnavailableException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ServerUnavailableException()
        : this("The server is not available.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ServerUnavailableException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">Why the server is unavailable: the failure of its activation, if that is it.</param>
    public ServerUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ServerName = string.Empty;
    }

    /// <summary>Creates the exception for a server, saying when to ask again.</summary>
    /// <param name="serverName">The server's name.</param>
    /// <param name="message">The message.</param>
    /// <param name="retryAfter">When asking again may succeed; <see langword="null"/> when no time can be given.</param>
    /// <param name="innerException">Why the server is unavailable: the failure of its activation, if that is it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="serverName"/> is <see langword="null"/>.</exception>
    public ServerUnavailableException(string serverName, string message, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        ServerName = serverName;
        RetryAfter = retryAfter;
    }

    /// <summary>The server's name; empty when the exception was created without one.</summary>
    public string ServerName { get; }

    /// <summary>When asking again may succeed; <see langword="null"/> when no time can be given (a disabled server).</summary>
    public TimeSpan? RetryAfter { get; }
}
