using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9003 (<c>DiagnosticIds.SeveralOwners</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class SeveralOwnersTests
{
    [Test]
    public Task SeveralOwners_ReportsCTX9003NamingThem() => Verify.VerifyAsync(
        Verify.Usings + """
            public partial class Jobs
            {
                private readonly BackgroundProcesses _fast = null!;
                private readonly BackgroundProcesses _slow = null!;
                private readonly Clock _a = null!;
                public Clock B { get; } = null!;

                [BackgroundProcess("a")]
                public Task {|#0:RunAsync|}() => Task.CompletedTask;

                [ContextEntryPoint("b")]
                public void {|#1:OnEvent|}() { }
            }
            """,
        Verify.Diagnostic("CTX9003").WithLocation(0).WithArguments("RunAsync", "BackgroundProcess", "Jobs", "background processes", "_fast, _slow"),
        Verify.Diagnostic("CTX9003").WithLocation(1).WithArguments("OnEvent", "ContextEntryPoint", "Jobs", "its server", "_a, B"));

    [Test]
    public Task AServerOutranksItsParts_DoesNotReportCTX9003() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Handler
        {
            private readonly Server _server = null!;
            private readonly Clock _clock = null!;
            private readonly BackgroundProcesses _processes = null!;

            [BackgroundProcess("a")]
            public Task RunAsync() => Task.CompletedTask;

            [ContextEntryPoint("b")]
            public void OnEvent() { }
        }
        """);

    [Test]
    public Task TwoPrimaryConstructorParameters_ReportCTX9003() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Listener(Clock first, Clock second)
        {
            [ContextEntryPoint("a")]
            public void {|CTX9003:OnEvent|}() { }
        }
        """);

    [Test]
    public Task AMemberOutranksAPrimaryConstructorParameter_DoesNotReportCTX9003() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Listener(Clock clock, Clock other)
        {
            private readonly Clock _clock = clock;

            [ContextEntryPoint("a")]
            public void OnEvent() { }
        }
        """);
}
