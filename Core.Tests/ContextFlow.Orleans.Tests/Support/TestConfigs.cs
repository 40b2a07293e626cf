using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Orleans.Tests.Support;

/// <summary>
/// The tenants every test cluster knows: any name is a tenant, except names that start with <c>missing</c> (no such
/// tenant), <c>broken</c> (its setup throws), <c>invalid</c> (its configuration does not validate) or <c>disabled</c>
/// (configured, not enabled).
/// </summary>
public sealed class TestConfigs : ContextFlow.Hosting.IServerConfigProvider<TestTenantConfig>
{
    public async ValueTask<TestTenantConfig?> GetConfigAsync(string serverName, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (serverName.StartsWith("missing", StringComparison.Ordinal))
        {
            return null;
        }

        return new TestTenantConfig
        {
            ServerName = serverName,
            FailSetup = serverName.StartsWith("broken", StringComparison.Ordinal),
            Enabled = !serverName.StartsWith("disabled", StringComparison.Ordinal),
            ShutdownGracePeriod = serverName.StartsWith("invalid", StringComparison.Ordinal) ? TimeSpan.FromSeconds(-5) : TimeSpan.FromSeconds(10),
        };
    }
}

/// <summary>The fake time the tenants of one test cluster run on; Orleans itself stays on real time.</summary>
public sealed class TestTime(FakeTimeProvider provider)
{
    public FakeTimeProvider Provider { get; } = provider;
}
