using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ContextFlow.AspNetCore;

/// <summary>
/// Ties the process's <see cref="ServerHost"/> to the Generic Host's lifetime. When the host has started
/// (<see cref="IHostedLifecycleService.StartedAsync"/>: every hosted service is up, Kestrel is listening) the process
/// is marked running, so every server's start and every <c>Clock.CallWhenRunning</c> callback runs then, each in a
/// fresh context of its server: the sanctioned replacement for <c>IHostApplicationLifetime.ApplicationStarted.Register</c>
/// (analyzer rule CTX2003). When the host starts stopping (<see cref="IHostedLifecycleService.StoppingAsync"/>, before
/// any hosted service stops, so before Kestrel drains its connections) every server is shut down.
/// </summary>
/// <remarks>
/// <para>
/// A server that fails to start is shut down and logged; the others keep serving and the host starts anyway, so one
/// broken tenant cannot keep the process down.
/// </para>
/// <para>
/// Shutting the servers down first is what bounds the stop: each server stops taking requests, gives those in flight
/// its grace period, and its clock's shutdown then cancels what they still await, so they are answered (503) and Kestrel
/// has nothing left to wait for. Stopped after Kestrel instead, the servers would see its drain use the whole
/// <c>HostOptions.ShutdownTimeout</c> on requests that only their shutdown would end.
/// </para>
/// </remarks>
internal sealed class ContextFlowHostedService(TenantRegistry tenants) : IHostedLifecycleService
{
    private readonly ServerHost _host = tenants.Host;
    private int _stopping;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _host.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            Log.ForContext<ContextFlowHostedService>().Information("The process is running: {Count} servers started", _host.Servers.Count);
        }
        catch (AggregateException failures)
        {
            // Each failure was logged in its server's context, and the server shut down.
            Log.ForContext<ContextFlowHostedService>().Error("{Count} servers failed to start and were shut down; the others are serving", failures.InnerExceptions.Count);
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // A host stopped twice (Ctrl+C, then StopAsync by the program) shuts its servers down once.
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }

        tenants.Stopping = true;
        var log = Log.ForContext<ContextFlowHostedService>();
        var count = _host.Servers.Count;
        log.Information("Shutting down {Count} servers", count);
        try
        {
            await _host.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            log.Information("All {Count} servers shut down", count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Warning("{Count} servers were still shutting down when the host's shutdown timeout ran out", _host.Servers.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
