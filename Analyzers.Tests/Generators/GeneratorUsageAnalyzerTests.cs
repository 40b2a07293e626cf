using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators;

public sealed class GeneratorUsageAnalyzerTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Background;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        """;

    // CTX9001

    [Test]
    public Task MarkedMethodOutsideAPartialClass_ReportsCTX9001() => Verify.VerifyAsync(Usings + """
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
    public Task MarkedMembersInPartialClasses_DoNotReportCTX9001() => Verify.VerifyAsync(Usings + """
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

    // CTX9002

    [Test]
    public Task NoOwner_ReportsCTX9002WithWhatToInject() => Verify.VerifyAsync(
        Usings + """
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
    public Task OwnerThroughAServerOrItsParts_DoesNotReportCTX9002() => Verify.VerifyAsync(Usings + """
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
    public Task PrimaryConstructorParameterAlreadyUsedInAnInitializer_ReportsCTX9002() => Verify.VerifyAsync(Usings + """
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
    public Task PrimaryConstructorParameter_DoesNotReportCTX9002() => Verify.VerifyAsync(Usings + """
        public partial class Listener(Clock clock, BackgroundProcesses processes)
        {
            [ContextEntryPoint("a")]
            public void OnEvent() { }

            [BackgroundProcess("b")]
            public Task RunAsync() => Task.CompletedTask;
        }
        """);

    // CTX9003

    [Test]
    public Task SeveralOwners_ReportsCTX9003NamingThem() => Verify.VerifyAsync(
        Usings + """
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
    public Task AServerOutranksItsParts_DoesNotReportCTX9003() => Verify.VerifyAsync(Usings + """
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
    public Task TwoPrimaryConstructorParameters_ReportCTX9003() => Verify.VerifyAsync(Usings + """
        public partial class Listener(Clock first, Clock second)
        {
            [ContextEntryPoint("a")]
            public void {|CTX9003:OnEvent|}() { }
        }
        """);

    [Test]
    public Task AMemberOutranksAPrimaryConstructorParameter_DoesNotReportCTX9003() => Verify.VerifyAsync(Usings + """
        public partial class Listener(Clock clock, Clock other)
        {
            private readonly Clock _clock = clock;

            [ContextEntryPoint("a")]
            public void OnEvent() { }
        }
        """);

    // CTX9004

    [Test]
    public Task UnsupportedBackgroundProcessSignatures_ReportCTX9004() => Verify.VerifyAsync(
        Usings + """
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
    public Task SupportedBackgroundProcessSignatures_DoNotReportCTX9004() => Verify.VerifyAsync(Usings + """
        public partial class Jobs
        {
            private readonly BackgroundProcesses _processes = null!;

            [BackgroundProcess("a")]
            public ValueTask<int> CountAsync(string table, CancellationToken cancellationToken) => new(0);

            [BackgroundProcess("b")]
            public Task<T?> LoadAsync<T>(params T[] keys) where T : class => Task.FromResult<T?>(null);
        }
        """);

    // CTX9005

    [Test]
    public Task UnsupportedEntryPointSignatures_ReportCTX9005() => Verify.VerifyAsync(
        Usings + """
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
    public Task SupportedEntryPointSignatures_DoNotReportCTX9005() => Verify.VerifyAsync(Usings + """
        public partial class Listener
        {
            private readonly Clock _clock = null!;

            [ContextEntryPoint("a")]
            public Task<string> FetchAsync(int id, string? hint) => Task.FromResult("");

            [ContextEntryPoint("b")]
            public void OnEvent(object? sender, EventArgs args) { }
        }
        """);

    // CTX9006

    [Test]
    public Task MembersADecoratorCannotWrap_ReportCTX9006() => Verify.VerifyAsync(
        Usings + """
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
    public Task MembersADecoratorCanWrap_DoNotReportCTX9006() => Verify.VerifyAsync(Usings + """
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

    // CTX9007

    [Test]
    public Task EmptyNames_ReportCTX9007() => Verify.VerifyAsync(Usings + """
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
    public Task NamedContexts_DoNotReportCTX9007() => Verify.VerifyAsync(Usings + """
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

    // CTX9008

    [Test]
    public Task GeneratedNameTaken_ReportsCTX9008() => Verify.VerifyAsync(Usings + """
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
    public Task DistinctGeneratedMembersAndOwnOutput_DoNotReportCTX9008() => Verify.VerifyAsync(Usings + """
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

    // Every rule

    [Test]
    public Task WithoutContextFlow_NothingIsReported() => Verify.VerifyWithoutContextFlowAsync("""
        using System;
        using System.Threading.Tasks;

        namespace ContextFlow.Fakes
        {
            public sealed class BackgroundProcessAttribute : Attribute
            {
                public BackgroundProcessAttribute(string description) { }
            }
        }

        public class Jobs
        {
            [ContextFlow.Fakes.BackgroundProcess("")]
            public void Run() { }
        }
        """);
}
