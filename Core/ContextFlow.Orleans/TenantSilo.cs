using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;
using Orleans;
using Orleans.Runtime;
using Serilog;

namespace ContextFlow.Orleans;

/// <summary>
/// The tenants of one silo: a <see cref="ServerHost"/> with a running signal of the silo's own, marked when the silo
/// reaches <see cref="ServiceLifecycleStage.Active"/>, and shut down after the silo has deactivated its grains.
/// </summary>
/// <remarks>
/// <para>
/// The signal is the silo's, not <see cref="RunningSignal.Process"/>: several silos can share one process (a test
/// cluster, a sample), and a tenant's start must wait for the silo that hosts it, not for whichever silo in the process
/// became active first. Activations wait for <see cref="WhenActive"/> before provisioning, so a tenant grain's
/// activation always ends with a started server; one activated before the silo is active (by a startup task) waits.
/// </para>
/// <para>
/// Stop order: Orleans deactivates every grain at the stop of <see cref="ServiceLifecycleStage.GrainDeactivation"/>,
/// and each tenant grain shuts its server down there. The host's own shutdown runs later, at the stop of
/// <see cref="ServiceLifecycleStage.ApplicationServices"/>, and catches any server whose deactivation Orleans gave up
/// waiting for (its <c>DeactivationTimeout</c>), so nothing of a tenant outlives its silo.
/// </para>
/// </remarks>
internal sealed class TenantSilo : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly TaskCompletionSource _active = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TenantSilo(ILocalSiloDetails silo)
    {
        SiloName = silo.Name;
        Host = new ServerHost(new RunningSignal());
    }

    /// <summary>The silo's name, for log lines about its tenants.</summary>
    public string SiloName { get; }

    /// <summary>The servers of this silo's active tenants.</summary>
    public ServerHost Host { get; }

    /// <summary>Completes when the silo is active and its running signal marked; cancelled if it stops before.</summary>
    public Task WhenActive => _active.Task;

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(TenantSilo), ServiceLifecycleStage.Active, OnActiveAsync, static _ => Task.CompletedTask);
        lifecycle.Subscribe(nameof(TenantSilo), ServiceLifecycleStage.ApplicationServices, static _ => Task.CompletedTask, OnStoppedAsync);
    }

    private async Task OnActiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            // No start is waiting yet (activations wait for WhenActive), so this only marks the signal.
            await Host.StartAsync().ConfigureAwait(false);
        }
        finally
        {
            _active.TrySetResult();
        }

        Log.ForContext<TenantSilo>().Information("Silo {Silo} is active: tenant servers start", SiloName);
    }

    private async Task OnStoppedAsync(CancellationToken cancellationToken)
    {
        _active.TrySetCanceled(CancellationToken.None);
        try
        {
            await Host.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ForContext<TenantSilo>().Warning(
                "Silo {Silo} stopped before {Count} tenant servers finished shutting down", SiloName, Host.Servers.Count);
        }
    }
}
