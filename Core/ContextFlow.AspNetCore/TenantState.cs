using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.RateLimiting;
using ContextFlow.Time;

namespace ContextFlow.AspNetCore;

/// <summary>
/// What the web layer keeps for one hosted server: the request counter behind <c>"{METHOD}-{n}"</c>, the requests in
/// flight (which the server's shutdown waits for, so their access lines reach its log file), its rate limiters and its
/// usage history.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. A server that has begun to shut down gets no state. The state takes part in the server's shutdown
/// twice. As a shutdown handler (registered when the state is created, after the server's own start, so it runs first)
/// it stops admitting requests and gives those in flight three quarters of the grace period to finish. Then the
/// server's clock stops, which cancels what the rest still await, so they end (answered 503 by the middleware); and as
/// a resource the server disposes after its clock and background processes, the state waits for those answers, within
/// what is left of the grace period, so that their access lines too reach the server's log file before it closes.
/// </para>
/// </remarks>
internal sealed class TenantState : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(object Owner, Ratelimiter<string> Limiter)> _limiters = [];
    private long _requests;
    private long _serverErrors;
    private int _inFlight;
    private int _draining;
    private bool _released;
    private ILoopingCall? _sampling;

    // Samples are timed on the server's clock, from this timestamp.
    private readonly long _origin;

    private TenantState(Server server, TenantRegistry registry)
    {
        Server = server;
        _origin = server.Clock.GetTimestamp();
        History = new UsageHistory(registry.Options.Samples);
        Registry = registry;
    }

    public Server Server { get; }

    public UsageHistory History { get; }

    public TenantRegistry Registry { get; }

    /// <summary>Requests admitted so far; also the n of the latest <c>"{METHOD}-{n}"</c>.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Requests answered with a 5xx status.</summary>
    public long ServerErrors => Volatile.Read(ref _serverErrors);

    /// <summary>Requests admitted and not yet completed.</summary>
    public int InFlight => Math.Max(0, Volatile.Read(ref _inFlight));

    public static TenantState? TryCreate(Server server, TenantRegistry registry)
    {
        var state = new TenantState(server, registry);
        try
        {
            server.RegisterShutdownHandler(state.DrainAsync);
            server.RegisterForDisposeAsync(state);
            state._sampling = server.Clock.LoopingCall(registry.Options.SampleInterval, state.Sample);
        }
        catch (InvalidOperationException)
        {
            // The server has begun to shut down: it serves nothing more.
            state.Release();
            return null;
        }

        return state;
    }

    /// <summary>
    /// Admits a request while the server is running, and returns its number; 0 when the server is not running or is
    /// draining. Every admitted request must be ended with <see cref="Exit"/>.
    /// </summary>
    public long TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _draining) == 0 && Server.State == ServerState.Running)
        {
            return Interlocked.Increment(ref _requests);
        }

        Exit(statusCode: 0);
        return 0;
    }

    public void Exit(int statusCode)
    {
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }

        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _draining) != 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>The rate limiter of this server for <paramref name="owner"/>, created on first use on the server's clock.</summary>
    public Ratelimiter<string>? Limiter(object owner, Func<Clock, Ratelimiter<string>> create)
    {
        lock (_gate)
        {
            foreach (var (o, limiter) in _limiters)
            {
                if (ReferenceEquals(o, owner))
                {
                    return limiter;
                }
            }

            if (_released)
            {
                return null;
            }

            Ratelimiter<string> created;
            try
            {
                created = create(Server.Clock);
            }
            catch (InvalidOperationException)
            {
                // The server's clock has shut down: a limiter can no longer schedule its pruning. Asking the clock
                // first would race with its shutdown; scheduling after it throws, which cannot be stale.
                return null;
            }

            _limiters.Add((owner, created));
            return created;
        }
    }

    /// <summary>
    /// The last step of the server's shutdown for this state: waits for the requests still in flight to end (the clock's
    /// shutdown has cancelled what they awaited; the server bounds this wait by what is left of its grace period), then
    /// releases the state.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _drained.Task.ConfigureAwait(false);
        Release();
    }

    /// <summary>Stops the sampling and disposes the rate limiters; idempotent, and waits for nothing.</summary>
    public void Release()
    {
        List<(object Owner, Ratelimiter<string> Limiter)> limiters;
        lock (_gate)
        {
            _released = true;
            limiters = [.. _limiters];
            _limiters.Clear();
        }

        _sampling?.Stop();
        foreach (var (_, limiter) in limiters)
        {
            limiter.Dispose();
        }
    }

    /// <summary>
    /// The server's shutdown handler: admit nothing more, then wait for the requests in flight for three quarters of the
    /// grace period, on the server's clock. The last quarter is for those still running once the clock's shutdown has
    /// cancelled what they await: they are answered then, and <see cref="DisposeAsync"/> waits for that.
    /// </summary>
    private async Task DrainAsync(CancellationToken deadline)
    {
        // Interlocked: a full fence between raising the flag and reading the count, which Exit reads in the other order.
        Interlocked.Exchange(ref _draining, 1);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
            return;
        }

        var grace = Server.ShutdownGracePeriod;
        if (grace == Timeout.InfiniteTimeSpan)
        {
            await _drained.Task.WaitAsync(deadline).ConfigureAwait(false);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var budget = Server.Clock.SleepAsync(TimeSpan.FromTicks(grace.Ticks / 4 * 3), stop.Token);
        await Task.WhenAny(_drained.Task, budget).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }

    private void Sample()
    {
        var usage = Server.Totals.GetResourceUsage() + Server.BackgroundProcesses.GetResourceUsage();
        History.Add(
            Requests,
            usage.CpuTime.TotalSeconds,
            usage.DbTxnDuration.TotalSeconds,
            Server.Clock.GetElapsedTime(_origin).TotalSeconds);
    }
}
