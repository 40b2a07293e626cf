using System;

namespace ContextFlow.Hosting;

/// <summary>Keeps a server marked in use until disposed; returned by <see cref="Server.KeepAlive"/>. Dispose it once.</summary>
public readonly struct KeepAliveScope : IDisposable
{
    private readonly Server? _server;

    internal KeepAliveScope(Server server) => _server = server;

    /// <summary>Ends the scope: the server's idle time starts now, unless another scope is open.</summary>
    public void Dispose() => _server?.EndKeepAlive();
}
