using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Background;
using ContextFlow.Time;
using Serilog;

namespace ContextFlow.Hosting;

/// <summary>
/// One tenant of a process: its name, its one <see cref="Time.Clock"/>, its one set of
/// <see cref="Background.BackgroundProcesses"/>, the context its usage adds up in, and a lifecycle that can run many
/// times over in one process: construct (no I/O) → <see cref="SetupAsync"/> (may fail) → <see cref="StartAsync"/>
/// (when the process runs) → <see cref="ShutdownAsync"/> (leaves nothing behind).
/// </summary>
/// <remarks>
/// <para>
/// Derive from it and override <see cref="OnSetupAsync"/> (open databases, read files) and <see cref="OnStartAsync"/>
/// (start serving: listeners, looping calls, background processes). Components that hold something register a
/// shutdown handler (<see cref="RegisterShutdownHandler(Func{CancellationToken, Task})"/>) or hand the resource to
/// the server to dispose (<see cref="RegisterForDisposeAsync{T}"/>).
/// </para>
/// <para>
/// Setup runs in a <c>"setup"</c> context and shutdown in a <c>"shutdown"</c> context of the server, both children of
/// <see cref="Totals"/>. The start work runs through <see cref="Clock.CallWhenRunning(Action)"/>, in its fresh
/// <c>"call_when_running"</c> context. The order of shutdown and what "collectable" asks of user code are in
/// <c>docs/hosting.md</c>.
/// </para>
/// <para>All members are thread-safe. Lifecycle methods that are called out of order throw
/// <see cref="InvalidOperationException"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class TenantServer(TenantConfig config, TimeProvider? time = null) : Server(config, time)
/// {
///     protected override Task OnStartAsync(CancellationToken cancellationToken)
///     {
///         Clock.LoopingCall(TimeSpan.FromSeconds(15), () => Log.Information("still here"));
///         return Task.CompletedTask;
///     }
/// }
///
/// var server = new TenantServer(new TenantConfig { ServerName = "alpha.example" });
/// await server.SetupAsync();
/// await server.StartAsync();          // runs once the process is running
/// await server.ShutdownAsync();       // handlers, timers, background processes, owned resources
/// </code>
/// </example>
public abstract partial class Server : IAsyncDisposable
{
    private const string SetupContextName = "setup";
    private const string TotalsContextName = "totals";

    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _shutdownGrace;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _shutDown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<ShutdownHandler>? _shutdownHandlers = [];
    private List<object>? _owned = [];
    private ServerState _state;
    private Task? _setup;

    /// <summary>
    /// Creates the server for a configuration, validating it first if nobody has (see <see cref="ServerConfig"/>).
    /// Does no I/O and schedules nothing.
    /// </summary>
    /// <param name="config">The server's configuration.</param>
    /// <param name="timeProvider">Where the server's time comes from; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="running">When the process counts as running for the start work; <see cref="RunningSignal.Process"/>
    /// when <see langword="null"/>. A <see cref="ServerHost"/> gives its factories the signal to pass here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is <see langword="null"/>.</exception>
    /// <exception cref="ConfigException">The configuration is invalid.</exception>
    [ContextBoundary("The one place that constructs a server's Clock")]
    protected Server(ServerConfig config, TimeProvider? timeProvider = null, RunningSignal? running = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid();
        ServerName = config.ServerName;
        InstanceId = NewInstanceId();
        _shutdownGrace = config.ShutdownGracePeriod;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Clock = new Clock(_timeProvider, ServerName, running);
        BackgroundProcesses = new BackgroundProcesses(Clock);
        Totals = new LoggingContext(TotalsContextName, ServerName);
        _lastActive = Clock.GetTimestamp();
        LiveServers.Started(ServerName);
    }

    /// <summary>The server's name, from its configuration.</summary>
    public string ServerName { get; }

    /// <summary>A short random id that tells two lives of the same server name apart in logs.</summary>
    public string InstanceId { get; }

    /// <summary>The server's one clock: every timer and delay of the server goes through it.</summary>
    public Clock Clock { get; }

    /// <summary>The server's background processes, cancelled and awaited at shutdown.</summary>
    public BackgroundProcesses BackgroundProcesses { get; }

    /// <summary>
    /// The root context of the server: make request contexts its children
    /// (<c>new LoggingContext("GET-1", server.ServerName, server.Totals)</c>) and their usage adds up here.
    /// It is never entered itself.
    /// </summary>
    public LoggingContext Totals { get; }

    /// <summary>Where the server is in its lifecycle.</summary>
    public ServerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }


    /// <summary>Called once at the end of shutdown, by the host that owns the server.</summary>
    internal Action<Server>? ShutDownObserver { get; set; }

    /// <summary>
    /// Sets the server up, running <see cref="OnSetupAsync"/> in a <c>"setup"</c> context of the server. When it fails
    /// the server is <see cref="ServerState.Failed"/>: the caller still holds it and <see cref="ShutdownAsync"/> releases
    /// whatever setup had acquired.
    /// </summary>
    /// <param name="cancellationToken">Cancels the setup; shutdown cancels it too.</param>
    /// <returns>A task that ends when setup has, with its exception if it failed.</returns>
    /// <exception cref="InvalidOperationException">The server is past <see cref="ServerState.Created"/>.</exception>
    public Task SetupAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != ServerState.Created)
            {
                throw new InvalidOperationException($"Cannot set up server {ServerName}: it is {_state}, not {ServerState.Created}");
            }

            _state = ServerState.SettingUp;
            _setup = RunSetupAsync(cancellationToken);
            return _setup;
        }
    }

    /// <summary>
    /// Registers work to run at shutdown, before the clock stops and background processes are cancelled. Handlers run
    /// one after another, the last registered first, so what starts last (listeners) stops first. Each runs on the
    /// thread pool, so one that blocks its thread holds up the shutdown for no longer than the grace period either;
    /// one still running then is logged by name and abandoned. An exception is logged
    /// (<c>"Error calling shutdown handler"</c>) and the rest of shutdown goes on.
    /// </summary>
    /// <param name="handler">The work; its token is cancelled when the shutdown grace period is over.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Shutdown has begun.</exception>
    public void RegisterShutdownHandler(Func<CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddShutdownHandler(new ShutdownHandler(handler, handler));
    }

    /// <inheritdoc cref="RegisterShutdownHandler(Func{CancellationToken, Task})"/>
    public void RegisterShutdownHandler(Action handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        AddShutdownHandler(new ShutdownHandler(handler, _ =>
        {
            handler();
            return Task.CompletedTask;
        }));
    }

    /// <summary>
    /// Hands <paramref name="resource"/> to the server, which disposes it at shutdown once handlers, timers and
    /// background processes have stopped (so nothing still uses it), the last registered first.
    /// </summary>
    /// <typeparam name="T">The resource's type.</typeparam>
    /// <param name="resource">What to dispose, e.g. a database pool.</param>
    /// <returns><paramref name="resource"/>, for <c>Pool = RegisterForDisposeAsync(new DatabasePool(...))</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Shutdown has begun; the resource was not taken.</exception>
    public T RegisterForDisposeAsync<T>(T resource)
        where T : IAsyncDisposable => Own(resource);

    /// <inheritdoc cref="RegisterForDisposeAsync{T}(T)"/>
    public T RegisterForDispose<T>(T resource)
        where T : IDisposable => Own(resource);

    /// <summary>The server's own setup: databases, files, caches. Runs in the server's <c>"setup"</c> context.</summary>
    /// <param name="cancellationToken">Cancelled by the caller of <see cref="SetupAsync"/> or by shutdown.</param>
    /// <returns>A task that ends when setup has.</returns>
    protected virtual Task OnSetupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The server's own start: listeners, looping calls, background processes.</summary>
    /// <param name="cancellationToken">Cancelled by the caller of <see cref="StartAsync"/> or by shutdown.</param>
    /// <returns>A task that ends when the server is started.</returns>
    protected virtual Task OnStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string NewInstanceId() => string.Create(5, 0, static (chars, _) =>
    {
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + Random.Shared.Next(26));
        }
    });

    private void AddShutdownHandler(ShutdownHandler handler)
    {
        lock (_gate)
        {
            (_shutdownHandlers ?? throw ShutDownError("register shutdown handler")).Add(handler);
        }
    }

    private T Own<T>(T resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (_gate)
        {
            (_owned ?? throw ShutDownError("register a resource for disposal")).Add(resource);
        }

        return resource;
    }

    private InvalidOperationException ShutDownError(string what) =>
        new($"Cannot {what}: server '{ServerName}' has been shut down");

    private async Task RunSetupAsync(CancellationToken cancellationToken)
    {
        // Yield first: the caller gets its task at once and the lock above is never held while user code runs.
        await Task.Yield();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        using var scope = new LoggingContext(SetupContextName, ServerName, Totals).Enter();
        try
        {
            Log.ForContext<Server>().Information("Setting up server {ServerName}", ServerName);
            await OnSetupAsync(linked.Token).ConfigureAwait(false);
            Advance(ServerState.SettingUp, ServerState.SetUp);
        }
        catch (Exception ex)
        {
            Advance(ServerState.SettingUp, ServerState.Failed);
            Log.ForContext<Server>().Error(ex, "Exception during setup of server {ServerName}", ServerName);
            throw;
        }
    }

    /// <summary>Moves from <paramref name="from"/> to <paramref name="to"/>, unless shutdown has moved the server on.</summary>
    private void Advance(ServerState from, ServerState to)
    {
        lock (_gate)
        {
            if (_state == from)
            {
                _state = to;
            }
        }
    }
}
