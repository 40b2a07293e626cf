using ContextFlow.Time;
using Microsoft.Extensions.Time.Testing;

namespace ContextFlow.Tests.Support;

/// <summary>
/// The base of the Core tests that run on fake time: a <see cref="FakeTimeProvider"/>, a "process is running" signal
/// of the test's own (not yet marked) and, on first use, a <see cref="Clock"/> of <see cref="ServerName"/> over both,
/// all new for each test. The clock, if the test used it, is shut down after the test.
/// </summary>
public abstract class FakeTimeFixture : ContextCleanFixture
{
    private Clock? _clock;

    /// <summary>The time the test runs on.</summary>
    protected FakeTimeProvider Time { get; private set; } = null!;

    /// <summary>The test's own running signal.</summary>
    protected RunningSignal Signal { get; private set; } = null!;

    /// <summary>The server <see cref="Clock"/> belongs to.</summary>
    protected virtual string ServerName => "hs";

    /// <summary>The clock of <see cref="ServerName"/> on <see cref="Time"/> and <see cref="Signal"/>.</summary>
    protected Clock Clock => _clock ??= new Clock(Time, ServerName, Signal);

    [SetUp]
    public void CreateTimeAndSignal()
    {
        Time = new FakeTimeProvider();
        Signal = new RunningSignal();
        _clock = null;
    }

    [TearDown]
    public void ShutdownClock() => _clock?.Shutdown();
}
