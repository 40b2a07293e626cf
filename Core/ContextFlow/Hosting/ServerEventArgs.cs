using System;

namespace ContextFlow.Hosting;

/// <summary>The server a <see cref="ServerHost"/> event is about.</summary>
public sealed class ServerEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="server">The server.</param>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> is <see langword="null"/>.</exception>
    public ServerEventArgs(Server server)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
    }

    /// <summary>The server.</summary>
    public Server Server { get; }
}
