using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9006 (<c>DiagnosticIds.UnsupportedDecoratorMember</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class UnsupportedDecoratorMemberTests
{
    [Test]
    public Task MembersADecoratorCannotWrap_ReportCTX9006() => Verify.VerifyAsync(
        Verify.Usings + """
            [ContextDecorator]
            public interface IStore
            {
                Task {|#0:ReadAsync|}(ref int position);
                string {|#1:Name|} { get; init; }
                static abstract IStore {|#2:Create|}();
                static abstract int {|#3:Shared|} { get; }
                static abstract IStore operator {|#4:+|}(IStore left, IStore right);
            }
            """,
        Verify.Diagnostic("CTX9006").WithLocation(0)
            .WithArguments("IStore", "IStore.ReadAsync(ref int)", "it is asynchronous and parameter 'position' is passed by reference, which an async method cannot declare"),
        Verify.Diagnostic("CTX9006").WithLocation(1).WithArguments("IStore", "IStore.Name", "an init accessor cannot set the inner instance's property"),
        Verify.Diagnostic("CTX9006").WithLocation(2).WithArguments("IStore", "IStore.Create()", "static abstract and static virtual members cannot be forwarded to an instance"),
        Verify.Diagnostic("CTX9006").WithLocation(3).WithArguments("IStore", "IStore.Shared", "static abstract and static virtual members cannot be forwarded to an instance"),
        Verify.Diagnostic("CTX9006").WithLocation(4)
            .WithArguments("IStore", "IStore.operator +(IStore, IStore)", "static abstract and static virtual members cannot be forwarded to an instance"));

    [Test]
    public Task MembersADecoratorCanWrap_DoNotReportCTX9006() => Verify.VerifyAsync(Verify.Usings + """
        [ContextDecorator]
        public interface IStore
        {
            bool TryRead(ref int position, out byte value);
            Task<int> CountAsync(CancellationToken cancellationToken);
            string Name { get; set; }
            event EventHandler? Changed;
            static int Shared() => 0;
        }
        """);
}
