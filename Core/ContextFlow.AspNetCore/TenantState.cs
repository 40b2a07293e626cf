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
/// Thread-safe. A shutdown handler of the server, registered when the state is created, stops admitting requests and
/// waits for those in flight; a server that has begun to shut down gets no state.
/// </remarks>
internal sealed class TenantState : IDisposable
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(object Owner, Ratelimiter<string> Limiter)> _limiters = [];
    private long _requests;
    private long _serverErrors;
    private int _inFlight;
    private int _draining;
    private bool _disposed;
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
            state._sampling = server.Clock.LoopingCall(registry.Options.SampleInterval, state.Sample);
        }
        catch (InvalidOperationException)
        {
            // The server has begun to shut down: it serves nothing more.
            state.Dispose();
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

            if (_disposed)
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

    public void Dispose()
    {
        List<(object Owner, Ratelimiter<string> Limiter)> limiters;
        lock (_gate)
        {
            _disposed = true;
            limiters = [.. _limiters];
            _limiters.Clear();
        }

        _sampling?.Stop();
        foreach (var (_, limiter) in limiters)
        {
            limiter.Dispose();
        }
    }

    /// <summary>The server's shutdown handler: admit nothing more, then wait for the requests in flight.</summary>
    private Task DrainAsync(CancellationToken deadline)
    {
        // Interlocked: a full fence between raising the flag and reading the count, which Exit reads in the other order.
        Interlocked.Exchange(ref _draining, 1);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        return _drained.Task.WaitAsync(deadline);
    }

    private void Sample()
    {
        var usage = Server.Totals.GetResourceUsage();
        var background = Registry.Usage.For(Server.ServerName);
        History.Add(
            Requests,
            usage.CpuTime.TotalSeconds + background.CpuSeconds,
            usage.DbTxnDuration.TotalSeconds + background.DbSeconds,
            Server.Clock.GetElapsedTime(_origin).TotalSeconds);
    }
}
