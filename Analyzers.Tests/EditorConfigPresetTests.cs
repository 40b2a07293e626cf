using System.IO;
using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Support;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawDelayAnalyzer>;
using VerifyTimer = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawTimerAnalyzer>;

namespace ContextFlow.Analyzers.Tests;

public sealed class EditorConfigPresetTests
{
    private static readonly string Preset = File.ReadAllText(Path.Combine(TestReferences.RepositoryRoot, "presets", "tests.editorconfig"));

    [Test]
    public Task TestPreset_RelaxesRawDelayToSuggestion() => Verify.VerifyAnalyzerAsync(
        """
        using System.Threading.Tasks;

        class Tests
        {
            async Task WaitsForARealSocket() => await {|#0:Task.Delay(100)|};
        }
        """,
        Preset,
        Verify.Diagnostic().WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithArguments(
            "Task.Delay", "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and wait with its SleepAsync"));

    [Test]
    public Task TestPreset_KeepsRawTimersErrors() => VerifyTimer.VerifyAnalyzerAsync(
        """
        using System.Threading;

        class Tests
        {
            void M() { var t = {|CTX2001:new Timer(_ => { })|}; }
        }
        """,
        Preset);
}
