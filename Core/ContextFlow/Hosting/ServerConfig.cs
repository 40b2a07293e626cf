using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace ContextFlow.Hosting;

/// <summary>
/// The configuration of one server: derive from it to add the settings a server needs. Settings are read first, all
/// of them, and then <see cref="Validate"/> checks the whole, so a rule may span sections.
/// </summary>
/// <remarks>
/// <para>
/// The library validates a configuration exactly once, before a <see cref="Server"/> is built from it:
/// <see cref="ServerHost.ProvisionAsync{TConfig, TServer}"/> validates before calling the server factory, and the
/// <see cref="Server"/> constructor validates a configuration nobody has validated yet. A configuration that fails
/// validation therefore never becomes a server, and the outcome is kept: validating again rethrows the same failure.
/// </para>
/// <para>
/// Settings are init-only, so a configuration does not change once built; <see cref="Validate"/> must only check,
/// never fill in or correct values. Instances are safe to share between threads once built.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public sealed class TenantConfig : ServerConfig
/// {
///     public string? DatabaseUrl { get; init; }
///     public bool RegistrationEnabled { get; init; }
///     public string? RegistrationToken { get; init; }
///
///     public override void Validate()
///     {
///         base.Validate();
///         if (RegistrationEnabled &amp;&amp; RegistrationToken is null)
///         {
///             throw new ConfigException("RegistrationEnabled requires RegistrationToken", "RegistrationEnabled", "RegistrationToken");
///         }
///     }
/// }
/// </code>
/// </example>
public abstract class ServerConfig
{
    // The longest finite wait a timer takes in one step (uint.MaxValue - 1 milliseconds, about 49.7 days).
    private static readonly TimeSpan s_maxShutdownGracePeriod = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly object _gate = new();
    private bool _validated;
    private ExceptionDispatchInfo? _failure;

    /// <summary>
    /// The server's name: the tenant every log line, metric and span of the server is attributed to, e.g.
    /// <c>"alpha.example"</c>. Unique within a <see cref="ServerHost"/>.
    /// </summary>
    public required string ServerName { get; init; }

    /// <summary>
    /// How long <see cref="Server.ShutdownAsync"/> waits in all for the server's own code (a setup still running,
    /// shutdown handlers, background processes, disposal of owned resources) before it abandons what is left and logs
    /// it. 10 seconds by default; <see cref="Timeout.InfiniteTimeSpan"/> waits for as long as it takes.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the server is to run; <see langword="true"/> by default. A disabled server stays configured (a directory
    /// lists it, and a router answers its requests 503 rather than 404) but is never provisioned:
    /// <see cref="ServerHost.ProvisionAsync{TConfig, TServer}"/> refuses it with a <see cref="ConfigException"/>.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Where the configuration was read from, as a configuration path (<c>"ContextFlow:Servers:alpha.example"</c>), or
    /// <see langword="null"/> for one built in code. When it is set, a <see cref="ConfigException"/> from
    /// <see cref="Validate"/> is reported with each setting as a path under it: a setting named <c>"Registration.Enabled"</c>
    /// becomes <c>"ContextFlow:Servers:alpha.example:Registration:Enabled"</c>, in <see cref="ConfigException.Settings"/>
    /// and in the message. The configuration layer of the web package sets it for every server it reads.
    /// </summary>
    public string? ConfigurationPath { get; init; }

    /// <summary>
    /// Checks the configuration as a whole and throws <see cref="ConfigException"/> naming every setting involved.
    /// Overrides call the base first. The base requires a <see cref="ServerName"/> that is not empty and has no
    /// white space, control characters or path separators (the name also names the server's log file).
    /// </summary>
    /// <exception cref="ConfigException">The configuration is invalid.</exception>
    public virtual void Validate()
    {
        const string setting = nameof(ServerName);
        if (string.IsNullOrEmpty(ServerName))
        {
            throw new ConfigException($"{setting} must be set", setting);
        }

        foreach (var c in ServerName)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '\\')
            {
                throw new ConfigException($"{setting} '{ServerName}' contains white space, a control character or a path separator", setting);
            }
        }

        if (ShutdownGracePeriod != Timeout.InfiniteTimeSpan && (ShutdownGracePeriod < TimeSpan.Zero || ShutdownGracePeriod > s_maxShutdownGracePeriod))
        {
            throw new ConfigException(
                $"{nameof(ShutdownGracePeriod)} must be between 0 and {s_maxShutdownGracePeriod}, or infinite; it is {ShutdownGracePeriod}",
                nameof(ShutdownGracePeriod));
        }
    }

    /// <summary>Runs <see cref="Validate"/> the first time only; later calls rethrow its failure or return.</summary>
    internal void EnsureValid()
    {
        lock (_gate)
        {
            if (!_validated)
            {
                _validated = true;
                try
                {
                    Validate();
                }
                catch (ConfigException ex) when (!string.IsNullOrEmpty(ConfigurationPath))
                {
                    _failure = ExceptionDispatchInfo.Capture(ex.UnderPath(ConfigurationPath));
                }
                catch (Exception ex)
                {
                    _failure = ExceptionDispatchInfo.Capture(ex);
                }
            }
        }

        _failure?.Throw();
    }
}
