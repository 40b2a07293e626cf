using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators.Rules;

/// <summary>CTX9001 (<c>DiagnosticIds.NotInPartialType</c>), reported by <c>GeneratorUsageAnalyzer</c>.</summary>
public sealed class NotInPartialTypeTests
{
    [Test]
    public Task MarkedMethodOutsideAPartialClass_ReportsCTX9001() => Verify.VerifyAsync(Verify.Usings + """
        public class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;

            [BackgroundProcess("a")]
            public Task {|CTX9001:RunAsync|}() => Task.CompletedTask;
        }

        public class Outer
        {
            public partial class Listener
            {
                private readonly Clock _clock = null!;

                [ContextEntryPoint("b")]
                public void {|CTX9001:OnEvent|}() { }
            }
        }

        public partial struct Value
        {
            private static Clock s_clock = null!;

            [ContextEntryPoint("c")]
            public static void {|CTX9001:OnStatic|}() { }
        }

        public class Host
        {
            [ContextDecorator]
            public interface {|CTX9001:IStore|}
            {
                void Put();
            }
        }
        """);

    [Test]
    public Task MarkedMembersInPartialClasses_DoNotReportCTX9001() => Verify.VerifyAsync(Verify.Usings + """
        public partial class Outer
        {
            public partial class Jobs
            {
                private readonly BackgroundProcesses _processes = null!;

                [BackgroundProcess("a")]
                public Task RunAsync() => Task.CompletedTask;
            }

            [ContextDecorator]
            public interface IStore
            {
                void Put();
            }
        }

        [ContextDecorator]
        public interface ITopLevel
        {
            void Run();
        }
        """);
}
