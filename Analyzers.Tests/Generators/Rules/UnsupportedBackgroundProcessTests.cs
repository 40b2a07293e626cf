using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9004 (<c>DiagnosticIds.UnsupportedBackgroundProcess</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class UnsupportedBackgroundProcessTests
{
    [Test]
    public Task UnsupportedBackgroundProcessSignatures_ReportCTX9004() => Verify.VerifyAsync(
        Verify.Usings + """
            public partial class Jobs
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("a")]
                public void {|#0:Run|}() { }

                [BackgroundProcess("b")]
                public Task {|#1:TwoTokensAsync|}(CancellationToken first, CancellationToken second) => Task.CompletedTask;

                [BackgroundProcess("c")]
                public Task {|#2:ByRefAsync|}(ref int position) => Task.CompletedTask;

                [BackgroundProcess("d")]
                public Task {|#3:SpanAsync|}(ReadOnlySpan<byte> data) => Task.CompletedTask;
            }

            public interface IWork
            {
                Task RunAsync();
            }

            public partial class Work : IWork
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("e")]
                Task IWork.{|#4:RunAsync|}() => Task.CompletedTask;
            }
            """,
        Verify.Diagnostic("CTX9004").WithLocation(0).WithArguments("Run", "it must return Task, Task<T>, ValueTask or ValueTask<T>"),
        Verify.Diagnostic("CTX9004").WithLocation(1).WithArguments("TwoTokensAsync", "it takes more than one CancellationToken"),
        Verify.Diagnostic("CTX9004").WithLocation(2).WithArguments("ByRefAsync", "parameter 'position' is passed by reference"),
        Verify.Diagnostic("CTX9004").WithLocation(3).WithArguments("SpanAsync", "parameter 'data' is a ref struct"),
        Verify.Diagnostic("CTX9004").WithLocation(4)
            .WithArguments("IWork.RunAsync", "only ordinary methods are supported, not explicit interface implementations or operators"));

    [Test]
    public Task SupportedBackgroundProcessSignatures_DoNotReportCTX9004() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;

            [BackgroundProcess("a")]
            public ValueTask<int> CountAsync(string table, CancellationToken cancellationToken) => new(0);

            [BackgroundProcess("b")]
            public Task<T?> LoadAsync<T>(params T[] keys) where T : class => Task.FromResult<T?>(null);
        }
        """);
}
