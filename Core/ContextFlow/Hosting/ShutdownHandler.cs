using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Time;

namespace ContextFlow.Hosting;

/// <summary>
/// A registered shutdown handler: what to run, and the name of what the user registered (an <see cref="Action"/>
/// handler is wrapped), for the line that says which handler a shutdown gave up waiting for.
/// </summary>
internal sealed class ShutdownHandler(Delegate registered, Func<CancellationToken, Task> run)
{
    public Func<CancellationToken, Task> Run { get; } = run;

    public string Name => CallbackName.Of(registered);
}
