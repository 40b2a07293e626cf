using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.Hosting;

/// <summary>The base of the hosting tests: servers on the test's fake time and running signal.</summary>
public abstract class HostingFixture : FakeTimeFixture
{
    /// <summary>A server of the test's time and signal.</summary>
    protected TestServer NewServer(string name, System.TimeSpan? grace = null) => new(TestServer.Config(name, grace), Time, Signal);
}
