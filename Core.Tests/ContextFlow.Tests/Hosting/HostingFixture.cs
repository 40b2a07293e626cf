using ContextFlow.Tests.Support;
using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Hosting;

/// <summary>The base of the hosting tests: fake time and a running signal of the test's own, new for each test.</summary>
public abstract class HostingFixture : ContextCleanFixture
{
    /// <summary>The time every server of the test runs on.</summary>
    protected FakeTimeProvider Time { get; private set; } = null!;

    /// <summary>The test's own "process is running" signal; not yet marked.</summary>
    protected RunningSignal Signal { get; private set; } = null!;

    [SetUp]
    public void CreateTimeAndSignal()
    {
        Time = new FakeTimeProvider();
        Signal = new RunningSignal();
    }

    /// <summary>A server of the test's time and signal.</summary>
    protected TestServer NewServer(string name, System.TimeSpan? grace = null) => new(TestServer.Config(name, grace), Time, Signal);
}
