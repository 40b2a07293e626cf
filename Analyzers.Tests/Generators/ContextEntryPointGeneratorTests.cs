using ContextFlow.Analyzers.Tests.Generators.Support;
using ContextFlow.Generators;

namespace ContextFlow.Analyzers.Tests.Generators;

public sealed class ContextEntryPointGeneratorTests
{
    [Test]
    public void MethodShapes_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new ContextEntryPointGenerator(), """
        using System;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Time;

        namespace Sample;

        public partial class Listener
        {
            private readonly Clock _clock;

            public Listener(Clock clock) => _clock = clock;

            [ContextEntryPoint("on_tick")]
            public void OnTick() { }

            [ContextEntryPoint("on_message")]
            internal void OnMessage(object? sender, string @string) { }

            [ContextEntryPoint("validate")]
            public bool Validate(string payload) => true;

            [ContextEntryPoint("handle")]
            public Task HandleAsync(int id) => Task.CompletedTask;

            [ContextEntryPoint("fetch \"quoted\"")]
            public Task<string> FetchAsync() => Task.FromResult("");

            [ContextEntryPoint("pump")]
            private ValueTask<int> PumpAsync(long count) => new(0);
        }
        """), nameof(ContextEntryPointGeneratorTests) + "." + nameof(MethodShapes_MatchSnapshot));

    [Test]
    public void Owners_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new ContextEntryPointGenerator(), """
        using ContextFlow;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        public sealed partial class HomeServer(ServerConfig config) : Server(config)
        {
            [ContextEntryPoint("signal")]
            public void OnSignal(int signal) { }
        }

        namespace Sample
        {
            public partial class Handler
            {
                // A Server outranks a Clock.
                public Server Server { get; set; } = null!;
                public Clock Clock { get; set; } = null!;

                [ContextEntryPoint("webhook")]
                public void OnWebhook(string body) { }
            }

            public static partial class Callbacks
            {
                private static Clock? s_clock;

                [ContextEntryPoint("native_callback")]
                public static void OnNative(nint handle) { }
            }
        }
        """), nameof(ContextEntryPointGeneratorTests) + "." + nameof(Owners_MatchSnapshot));

    [Test]
    public void PrimaryConstructorParameter_MatchesSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new ContextEntryPointGenerator(), """
        using ContextFlow;
        using ContextFlow.Time;

        namespace Sample;

        public partial class Listener(Clock clock)
        {
            [ContextEntryPoint("on_message")]
            public void OnMessage(string message) { }
        }
        """), nameof(ContextEntryPointGeneratorTests) + "." + nameof(PrimaryConstructorParameter_MatchesSnapshot));

    [Test]
    public void InvalidUse_GeneratesNothing()
    {
        var files = GeneratorRunner.Generate(new ContextEntryPointGenerator(), """
            using ContextFlow;
            using ContextFlow.Time;

            public partial class Listener
            {
                private readonly Clock _a = null!;
                private readonly Clock _b = null!;

                [ContextEntryPoint("ambiguous")]
                public void OnA() { }
            }

            public partial class Generic
            {
                private readonly Clock _clock = null!;

                [ContextEntryPoint("generic")]
                public void On<T>(T value) { }

                [ContextEntryPoint("")]
                public void OnEmpty() { }
            }
            """);

        Assert.That(files, Is.Empty);
    }

    [Test]
    public void UnrelatedEdit_EveryStepIsCachedAndHoldsNoRoslynObjects() =>
        IncrementalChecks.AssertCachedAfterUnrelatedEdit(new ContextEntryPointGenerator(), """
            using ContextFlow;
            using ContextFlow.Time;

            public partial class Listener
            {
                private readonly Clock _clock = null!;

                [ContextEntryPoint("on_message")]
                public void OnMessage(string message) { }
            }
            """);
}
