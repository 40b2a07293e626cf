using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Metrics;
using ContextFlow.Time;
using ContextFlow.Tracing;
using Serilog;

namespace ContextFlow.Background;

/// <summary>One run of <see cref="BackgroundProcesses.RunAsBackgroundProcess"/>: its context, span, metrics and task.</summary>
internal sealed class BackgroundProcess
{
    private static readonly ContextCallback s_start = static s => ((BackgroundProcess)s!).StartFresh();

    private readonly BackgroundProcesses _owner;
    private readonly Func<CancellationToken, Task> _work;
    private readonly CancellationToken _cancellationToken;
    private readonly ActivityContext? _callerSpan;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The state machine's own task; callers see _completion, which also exists before the work starts.
    private Task? _run;

    public BackgroundProcess(BackgroundProcesses owner, string description, int index, Func<CancellationToken, Task> work, CancellationToken cancellationToken, ActivityContext? callerSpan)
    {
        _owner = owner;
        Description = description;
        _work = work;
        _cancellationToken = cancellationToken;
        _callerSpan = callerSpan;
        Context = new LoggingContext($"{description}-{index}", owner.ServerName);
    }

    public string Description { get; }

    public LoggingContext Context { get; }

    public UsageReporter Usage { get; } = new();

    /// <summary>Completes when the process has ended; never faults. Known before the work starts, for shutdown.</summary>
    public Task Task => _completion.Task;

    /// <summary>
    /// Starts the work on the calling thread, from an empty execution context: the caller's context, span and other
    /// AsyncLocals stay behind, and the caller's are back in place when this returns.
    /// </summary>
    public void Start() => FreshContext.Run(s_start, this);

    // FreshContext.Run also leaves the caller's synchronization context behind, so the process's continuations are
    // not pulled back to it.
    private void StartFresh() => _run = RunAsync();

    private async Task RunAsync()
    {
        try
        {
            await RunInContextAsync().ConfigureAwait(false);
        }
        finally
        {
            _completion.TrySetResult();
        }
    }

    private async Task RunInContextAsync()
    {
        using var scope = Context.Enter();
        using var activity = ContextFlowTracing.Source.StartActivity(
            $"bgproc.{Description}",
            ActivityKind.Internal,
            parentContext: default,
            tags:
            [
                new KeyValuePair<string, object?>(ContextFlowMetrics.ServerNameTag, _owner.ServerName),
                new KeyValuePair<string, object?>("request_id", Context.Name),
            ],
            links: _callerSpan is { } caller ? [new ActivityLink(caller)] : null);
        BackgroundProcessMetrics.Started(Description, _owner.ServerName);
        try
        {
            await _work(_cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested || _owner.ClockIsShutdown)
        {
            // Shutdown of the processes, or of the clock first (its sleeps end cancelled): expected, not a failure.
            Log.ForContext<BackgroundProcesses>().Debug("Background process '{Description}' was cancelled by shutdown", Description);
        }
        catch (Exception ex)
        {
            Log.ForContext<BackgroundProcesses>().Error(ex, "Background process '{Description}' threw an exception", Description);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        finally
        {
            BackgroundProcessMetrics.Finished(Description, _owner.ServerName);
            _owner.OnFinished(this);
        }
    }
}
