using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9008 (<c>DiagnosticIds.GeneratedMemberConflict</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class GeneratedMemberConflictTests
{
    [Test]
    public Task GeneratedNameTaken_ReportsCTX9008() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;
            private readonly Clock _clock = null!;

            [BackgroundProcess("run")]
            public Task {|CTX9008:RunAsync|}() => Task.CompletedTask;

            public void RunInBackground(int unrelated) { }

            [BackgroundProcess("sync")]
            public Task {|CTX9008:SyncAsync|}(int id, CancellationToken cancellationToken) => Task.CompletedTask;

            [BackgroundProcess("sync")]
            public Task {|CTX9008:Sync|}(int id) => Task.CompletedTask;

            [ContextEntryPoint("a")]
            public void {|CTX9008:OnEvent|}(int a) { }

            [ContextEntryPoint("b")]
            public void {|CTX9008:OnEvent|}(string b) { }
        }
        """);

    [Test]
    public Task DistinctGeneratedMembersAndOwnOutput_DoNotReportCTX9008() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;

            [BackgroundProcess("one")]
            public Task RefreshAsync(int id) => Task.CompletedTask;

            [BackgroundProcess("all")]
            public Task RefreshAsync() => Task.CompletedTask;

            [BackgroundProcess("last")]
            public Task PruneAsync() => Task.CompletedTask;

            [global::System.CodeDom.Compiler.GeneratedCode("ContextFlow.Generators", "0.1.0.0")]
            public Task PruneInBackground() => _processes.RunAsBackgroundProcess("last", _ => PruneAsync());
        }
        """);
}
