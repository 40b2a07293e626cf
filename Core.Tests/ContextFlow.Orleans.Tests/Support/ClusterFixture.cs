using System;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.TestingHost;
using Serilog;

namespace ContextFlow.Orleans.Tests.Support;

/// <summary>
/// Tests against one in-process cluster shared by the fixture's tests, on top of <see cref="ContextCleanFixture"/>:
/// every event Serilog receives carries the current context (<c>Enrich.FromLoggingContext()</c>) and lands in
/// <see cref="ContextCleanFixture.Log"/>, whichever silo's thread logged it.
/// </summary>
public abstract class ClusterFixture : ContextCleanFixture
{
    protected InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The tenants' time; Orleans runs on real time.</summary>
    protected FakeTimeProvider Time { get; private set; } = null!;

    protected virtual int Silos => 3;

    /// <summary>How the fixture's silos call <c>AddContextFlow</c>; the defaults unless overridden.</summary>
    protected virtual Action<ContextFlowSiloOptions>? SiloOptions => null;

    [OneTimeSetUp]
    public async Task StartClusterAsync()
    {
        Time = new FakeTimeProvider();
        Cluster = await TestClusters.StartAsync(Silos, Time, SiloOptions);
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await Cluster.DisposeAsync();

    [SetUp]
    public void LogWithContexts() => LogWithContexts(Log);

    /// <summary>Sends Serilog's events, enriched with the current context, to <paramref name="sink"/>.</summary>
    public static void LogWithContexts(InMemorySink sink) =>
        Serilog.Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.FromLoggingContext()
            .WriteTo.Sink(sink)
            .CreateLogger();

    /// <summary>Calls grains as code in the first silo's own process does, outside any grain call (a front end hosted with the silo).</summary>
    protected IGrainFactory SiloGrains => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Calls a tenant from the client inside a request context of its own, as a web front end would.</summary>
    protected static async Task<T> InRequestAsync<T>(string requestId, System.Func<Task<T>> call)
    {
        using (new LoggingContext(requestId, "edge.example", request: new RequestInfo(requestId, Requester: "@tester:edge")).Enter())
        {
            return await call();
        }
    }
}
