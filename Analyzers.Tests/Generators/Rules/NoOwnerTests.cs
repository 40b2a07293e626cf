using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9002 (<c>DiagnosticIds.NoOwner</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class NoOwnerTests
{
    [Test]
    public Task NoOwner_ReportsCTX9002WithWhatToInject() => Verify.VerifyAsync(
        Verify.Usings + """
            public partial class Jobs
            {
                [BackgroundProcess("a")]
                public Task {|#0:RunAsync|}() => Task.CompletedTask;

                [ContextEntryPoint("b")]
                public void {|#1:OnEvent|}() { }

                [ContextEntryPoint("c")]
                public static void {|#2:OnStatic|}() { }

                private readonly Clock _instanceClock = null!;
            }
            """,
        Verify.Diagnostic("CTX9002").WithLocation(0).WithArguments("RunAsync", "BackgroundProcess", "Jobs", "a BackgroundProcesses or a Server"),
        Verify.Diagnostic("CTX9002").WithLocation(2).WithArguments("OnStatic", "ContextEntryPoint", "Jobs", "a Server or a Clock"));

    [Test]
    public Task OwnerThroughAServerOrItsParts_DoesNotReportCTX9002() => Verify.VerifyAsync(Verify.Usings + """
        public abstract partial class BaseHandler
        {
            protected Server Server { get; } = null!;
        }

        public partial class Handler : BaseHandler
        {
            [BackgroundProcess("a")]
            public Task RunAsync() => Task.CompletedTask;

            [ContextEntryPoint("b")]
            public void OnEvent() { }
        }

        public sealed partial class HomeServer(ServerConfig config) : Server(config)
        {
            [BackgroundProcess("c")]
            public Task SweepAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public partial class Listener
        {
            private readonly Clock _clock = null!;

            [ContextEntryPoint("d")]
            public void OnTick() { }
        }
        """);

    [Test]
    public Task PrimaryConstructorParameterAlreadyUsedInAnInitializer_ReportsCTX9002() => Verify.VerifyAsync(Verify.Usings + """
        public sealed class Cache(Clock clock)
        {
            public Clock Clock { get; } = clock;
        }

        public partial class Listener(Clock clock)
        {
            private readonly Cache _cache = new(clock);

            [ContextEntryPoint("a")]
            public void {|CTX9002:OnEvent|}() { }
        }

        public partial class Shadowed(Clock clock)
        {
            [ContextEntryPoint("b")]
            public void {|CTX9002:OnEvent|}(Clock clock) { }
        }
        """);

    [Test]
    public Task PrimaryConstructorParameter_DoesNotReportCTX9002() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Listener(Clock clock, BackgroundProcesses processes)
        {
            [ContextEntryPoint("a")]
            public void OnEvent() { }

            [BackgroundProcess("b")]
            public Task RunAsync() => Task.CompletedTask;
        }
        """);
}
