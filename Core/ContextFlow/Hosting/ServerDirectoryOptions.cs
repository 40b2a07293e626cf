using System;
using System.Threading;

namespace ContextFlow.Hosting;

/// <summary>How a <see cref="ServerHost"/> uses its directory (<see cref="ServerHost.UseDirectory{TConfig, TServer}"/>).</summary>
public sealed class ServerDirectoryOptions
{
    private TimeSpan _idleTimeout = TimeSpan.FromMinutes(10);
    private TimeSpan _retryDelay = TimeSpan.FromSeconds(1);
    private TimeSpan _maxRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether a configured server that is not hosted is provisioned on its first use
    /// (<see cref="ServerHost.GetOrActivateAsync"/>), and shut down again after <see cref="IdleTimeout"/> without use.
    /// <see langword="false"/> by default: the directory's servers are provisioned by whoever reads the directory as a
    /// whole (the configuration layer of the web package), and one that is not hosted is reported unavailable.
    /// </summary>
    public bool ActivateOnFirstUse { get; set; }

    /// <summary>
    /// With <see cref="ActivateOnFirstUse"/>, how long an activated server may go without use (no
    /// <see cref="Server.KeepAlive"/> scope open) before it is shut down; 10 minutes by default.
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps activated servers until they are deprovisioned.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and not infinite.</exception>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        set => _idleTimeout = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The idle timeout must be positive, or infinite.");
    }

    /// <summary>
    /// How long an activation that failed is not retried; 1 second by default, doubling with each failure in a row up to
    /// <see cref="MaxActivationRetryDelay"/>. Uses meanwhile fail at once, saying when to retry.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ActivationRetryDelay
    {
        get => _retryDelay;
        set => _retryDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The delay must not be negative.");
    }

    /// <summary>Where the retry delays are measured; <see cref="TimeProvider.System"/> by default, a fake in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The longest <see cref="ActivationRetryDelay"/> grows to; 1 minute by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxActivationRetryDelay
    {
        get => _maxRetryDelay;
        set => _maxRetryDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The delay must not be negative.");
    }
}
