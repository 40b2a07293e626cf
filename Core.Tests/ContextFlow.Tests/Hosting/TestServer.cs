using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;

namespace ContextFlow.Tests.Hosting;

/// <summary>A configuration that counts how often it was validated and can carry a cross-setting rule.</summary>
public sealed class TestConfig : ServerConfig
{
    private int _validations;

    public bool RegistrationEnabled { get; init; }

    public bool RequireEmail { get; init; }

    public string? RegistrationToken { get; init; }

    public int Validations => Volatile.Read(ref _validations);

    public override void Validate()
    {
        Interlocked.Increment(ref _validations);
        base.Validate();
        if (RegistrationEnabled && !RequireEmail && RegistrationToken is null)
        {
            throw new ConfigException(
                "registration.enabled requires one of registration.require_email, registration.token",
                "registration.enabled", "registration.require_email", "registration.token");
        }
    }
}

/// <summary>A server whose setup and start run whatever the test gives them, and that remembers their contexts.</summary>
public sealed class TestServer : Server
{
    public TestServer(ServerConfig config, TimeProvider time, RunningSignal running)
        : base(config, time, running)
    {
    }

    public Func<TestServer, CancellationToken, Task>? Setup { get; set; }

    public Func<TestServer, CancellationToken, Task>? Start { get; set; }

    public LoggingContext? SetupContext { get; private set; }

    public LoggingContext? StartContext { get; private set; }

    public static TestConfig Config(string name, TimeSpan? grace = null) =>
        new() { ServerName = name, ShutdownGracePeriod = grace ?? TimeSpan.FromSeconds(10) };

    protected override Task OnSetupAsync(CancellationToken cancellationToken)
    {
        SetupContext = LoggingContext.Current;
        return Setup?.Invoke(this, cancellationToken) ?? Task.CompletedTask;
    }

    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        StartContext = LoggingContext.Current;
        return Start?.Invoke(this, cancellationToken) ?? Task.CompletedTask;
    }
}
