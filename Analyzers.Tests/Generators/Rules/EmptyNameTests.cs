using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9007 (<c>DiagnosticIds.EmptyName</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class EmptyNameTests
{
    [Test]
    public Task EmptyNames_ReportCTX9007() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;
            private readonly Clock _clock = null!;

            [{|CTX9007:BackgroundProcess("")|}]
            public Task RunAsync() => Task.CompletedTask;

            [{|CTX9007:ContextEntryPoint("  ")|}]
            public void OnEvent() { }
        }
        """);

    [Test]
    public Task NamedContexts_DoNotReportCTX9007() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;
            private readonly Clock _clock = null!;

            [BackgroundProcess("run")]
            public Task RunAsync() => Task.CompletedTask;

            [ContextEntryPoint("on_event")]
            public void OnEvent() { }
        }
        """);
}
