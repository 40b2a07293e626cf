using System;
using ContextFlow.Hosting;
using ContextFlow.Time;

namespace ContextFlow.AspNetCore;

/// <summary>
/// How <c>services.AddContextFlow(...)</c> and <c>app.UseContextFlow()</c> serve many tenants on one listener: how a
/// request finds its server, the process's running signal, the access line, and how much usage history the admin API
/// keeps.
/// </summary>
/// <remarks>
/// Read once, when the application's services are built; changing an instance afterwards has no effect. Not
/// thread-safe while being configured, which happens on one thread at start-up.
/// </remarks>
/// <example>
/// <code>
/// builder.Services.AddContextFlow(options =>
/// {
///     options.ServerNameResolver = ServerNameResolver.Header("X-Tenant");
///     options.TrustRequestIdHeader = true;       // the proxy in front sets X-Request-Id
/// });
/// </code>
/// </example>
public sealed class ContextFlowOptions
{
    private ServerNameResolver _serverNameResolver = ServerNameResolver.Host();
    private TimeSpan _sampleInterval = TimeSpan.FromSeconds(2);
    private int _samples = 150;

    /// <summary>
    /// Names the server of each request; <see cref="ServerNameResolver.Host()"/> (the <c>Host</c> header, as virtual
    /// hosts do) by default.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ServerNameResolver ServerNameResolver
    {
        get => _serverNameResolver;
        set => _serverNameResolver = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// The running signal of the process's <see cref="ServerHost"/>, which the host marks when the Generic Host has
    /// started; <see cref="RunningSignal.Process"/> when <see langword="null"/>. The factories that build servers
    /// (<c>ServerHost.ProvisionAsync</c>, <c>MapContextFlowAdmin</c>) are given it to pass to each server.
    /// </summary>
    public RunningSignal? Running { get; set; }

    /// <summary>
    /// Whether an incoming <c>X-Request-Id</c> header (up to 128 printable ASCII characters) becomes the request's
    /// <see cref="RequestInfo.RequestId"/>; otherwise, and when absent or unfit, <c>HttpContext.TraceIdentifier</c> does.
    /// Off by default, as ASP.NET Core's forwarded headers trust no proxy until told: a client would otherwise choose the
    /// id its requests are logged under. Turn it on when a proxy in front assigns the ids (and strips clients' own).
    /// </summary>
    public bool TrustRequestIdHeader { get; set; }

    /// <summary>The access line of each request: on or off, its level, with or without the request's usage.</summary>
    public AccessLogOptions AccessLog { get; } = new();

    /// <summary>Carried as <see cref="RequestInfo.SiteTag"/> of every request: which listener it came through.</summary>
    public string? SiteTag { get; set; }

    /// <summary>How often each server's usage is sampled for the admin API's history; 2 seconds by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under 100 ms or over one hour.</exception>
    public TimeSpan SampleInterval
    {
        get => _sampleInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(100));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromHours(1));
            _sampleInterval = value;
        }
    }

    /// <summary>How many samples of history each server keeps; 150 by default (five minutes at two seconds).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under 2 or over 10,000.</exception>
    public int Samples
    {
        get => _samples;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 10_000);
            _samples = value;
        }
    }
}
