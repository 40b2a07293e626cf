using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9005 (<c>DiagnosticIds.UnsupportedEntryPoint</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class UnsupportedEntryPointTests
{
    [Test]
    public Task UnsupportedEntryPointSignatures_ReportCTX9005() => Verify.VerifyAsync(
        Verify.Usings + """
            public partial class Listener
            {
                private readonly Clock _clock = null!;

                [ContextEntryPoint("a")]
                public void {|#0:OnValue|}<T>(T value) { }

                [ContextEntryPoint("b")]
                public bool {|#1:TryRead|}(out int value) { value = 0; return true; }

                [ContextEntryPoint("c")]
                public ref int {|#2:Slot|}() => throw new InvalidOperationException();

                [ContextEntryPoint("d")]
                public void {|#3:Many|}(int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, int a12, int a13, int a14, int a15, int a16, int a17) { }
            }
            """,
        Verify.Diagnostic("CTX9005").WithLocation(0).WithArguments("OnValue", "a generic method has no single delegate type"),
        Verify.Diagnostic("CTX9005").WithLocation(1).WithArguments("TryRead", "parameter 'value' is passed by reference"),
        Verify.Diagnostic("CTX9005").WithLocation(2).WithArguments("Slot", "it returns by reference"),
        Verify.Diagnostic("CTX9005").WithLocation(3).WithArguments("Many", "it has more than 16 parameters"));

    [Test]
    public Task SupportedEntryPointSignatures_DoNotReportCTX9005() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Listener
        {
            private readonly Clock _clock = null!;

            [ContextEntryPoint("a")]
            public Task<string> FetchAsync(int id, string? hint) => Task.FromResult("");

            [ContextEntryPoint("b")]
            public void OnEvent(object? sender, EventArgs args) { }
        }
        """);
}
