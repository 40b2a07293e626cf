using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawTimerAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Rules;

public sealed class RawTimerAnalyzerTests
{
    /// <summary>
    /// The Orleans members the rule matches and ContextFlow.Orleans' tenant grain, declared here (by their metadata
    /// names) so the tests need neither package.
    /// </summary>
    internal const string Orleans = """

        namespace Orleans
        {
            public interface IGrainBase { }
            public interface IGrainTimer : System.IDisposable { }

            public abstract class Grain : IGrainBase
            {
                protected System.IDisposable RegisterTimer(System.Func<object?, System.Threading.Tasks.Task> callback, object? state, System.TimeSpan dueTime, System.TimeSpan period) => null!;
            }

            public static class GrainBaseExtensions
            {
                public static IGrainTimer RegisterGrainTimer(this IGrainBase grain, System.Func<System.Threading.Tasks.Task> callback, System.TimeSpan dueTime, System.TimeSpan period) => null!;
                public static IGrainTimer RegisterGrainTimer(this IGrainBase grain, System.Func<System.Threading.CancellationToken, System.Threading.Tasks.Task> callback, System.TimeSpan dueTime, System.TimeSpan period) => null!;
            }

            namespace Timers
            {
                public interface ITimerRegistry
                {
                    System.IDisposable RegisterTimer(object grainContext, System.Func<object?, System.Threading.Tasks.Task> callback, object? state, System.TimeSpan dueTime, System.TimeSpan period);
                }
            }
        }

        namespace ContextFlow.Orleans
        {
            public abstract class TenantGrain<TConfig, TServer> : global::Orleans.Grain
                where TConfig : ContextFlow.Hosting.ServerConfig
                where TServer : ContextFlow.Hosting.Server
            {
                protected TServer Server => null!;
            }
        }
        """;

    /// <summary>A tenant's configuration and server for the tenant grains of the tests.</summary>
    internal const string Tenant = """

        sealed class ChatConfig : ContextFlow.Hosting.ServerConfig { }

        sealed class ChatServer(ChatConfig config) : ContextFlow.Hosting.Server(config) { }
        """;

    [Test]
    public Task EveryRawTimer_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            void M()
            {
                var t = {|CTX2001:new Timer(_ => { }, null, 100, Timeout.Infinite)|};
                var u = {|CTX2001:new System.Timers.Timer(100)|};
                var p = {|CTX2001:new PeriodicTimer(TimeSpan.FromSeconds(1))|};
                var q = {|CTX2001:TimeProvider.System.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromSeconds(1))|};
            }
        }
        """);

    [Test]
    public Task TimerInLambdaAndFieldInitializer_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly Timer _timer = {|CTX2001:new Timer(_ => { })|};
            Func<ITimer> F = () => {|CTX2001:TimeProvider.System.CreateTimer(_ => { }, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan)|};
        }
        """);

    [Test]
    public Task MessageWithoutClock_SaysWhatToInject() => Verify.VerifyAnalyzerAsync(
        """
        using System.Threading;

        class C
        {
            void M() { var t = {|#0:new Timer(_ => { }, null, 100, Timeout.Infinite)|}; }
        }
        """,
        Verify.Diagnostic().WithLocation(0).WithArguments(
            "new Timer",
            "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and schedule with its CallLater or LoopingCall"));

    [Test]
    public Task UserTypeNamedTimer_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        namespace MyApp
        {
            class Timer { public Timer(int period) { } }

            class C
            {
                void M() { var t = new Timer(100); }
            }
        }
        """);

    [Test]
    public Task TimerInsideContextBoundary_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using ContextFlow;

        class C
        {
            [ContextBoundary("Owns the raw timer behind the clock")]
            void M() { var t = new Timer(_ => { }, null, 100, Timeout.Infinite); }

            [ContextBoundary("The whole type schedules raw work")]
            class Inner
            {
                ITimer T() => TimeProvider.System.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.Zero);
                Func<object> F = () => new PeriodicTimer(TimeSpan.FromSeconds(1));
            }
        }
        """);

    [Test]
    public Task ContextBoundaryOnLocalFunction_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using ContextFlow;

        class C
        {
            void M()
            {
                Start();

                [ContextBoundary("Starts the one raw timer")]
                static Timer Start() => new Timer(_ => { });
            }
        }
        """);

    [Test]
    public Task ContextFlowNotReferenced_DoesNotReport() => Verify.VerifyWithoutContextFlowAsync("""
        using System.Threading;

        class C
        {
            void M() { var t = new Timer(_ => { }, null, 100, Timeout.Infinite); }
        }
        """);

    [Test]
    public Task SeverityFromEditorConfig_IsApplied() => Verify.VerifyAnalyzerAsync(
        """
        using System.Threading;

        class C
        {
            void M() { var t = {|#0:new Timer(_ => { })|}; }
        }
        """,
        "root = true\n[*.cs]\ndotnet_diagnostic.CTX2001.severity = warning\n",
        Verify.Diagnostic().WithLocation(0).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithArguments(
            "new Timer",
            "inject a ContextFlow.Time.Clock (or a ContextFlow.Hosting.Server) and schedule with its CallLater or LoopingCall"));

    [Test]
    public Task GeneratedCode_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        // <auto-generated/>
        using System.Threading;

        class C
        {
            void M() { var t = new Timer(_ => { }); }
        }
        """);

    [Test]
    public Task GrainTimersInATenantGrain_Report() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Orleans;
        using Orleans;
        using Orleans.Timers;

        sealed class ChatTenantGrain(ITimerRegistry registry) : TenantGrain<ChatConfig, ChatServer>
        {
            public Task StartPruningAsync()
            {
                {|CTX2001:this.RegisterGrainTimer(() => PruneAsync(), TimeSpan.Zero, TimeSpan.FromMinutes(1))|};
                {|CTX2001:this.RegisterGrainTimer(ct => PruneAsync(), TimeSpan.Zero, TimeSpan.FromMinutes(1))|};
                {|CTX2001:RegisterTimer(_ => PruneAsync(), null, TimeSpan.Zero, TimeSpan.FromMinutes(1))|};
                {|CTX2001:registry.RegisterTimer(this, _ => PruneAsync(), null, TimeSpan.Zero, TimeSpan.FromMinutes(1))|};
                return Task.CompletedTask;
            }

            Task PruneAsync() => Task.CompletedTask;
        }
        """ + Orleans + Tenant);

    [Test]
    public Task GrainTimerMessage_PointsAtTheServersClock() => Verify.VerifyAnalyzerAsync(
        """
        using System;
        using System.Threading.Tasks;
        using ContextFlow.Orleans;
        using Orleans;

        sealed class ChatTenantGrain : TenantGrain<ChatConfig, ChatServer>
        {
            public void Start() => {|#0:this.RegisterGrainTimer(() => Task.CompletedTask, TimeSpan.Zero, TimeSpan.FromMinutes(1))|};
        }
        """ + Orleans + Tenant,
        Verify.Diagnostic().WithLocation(0).WithArguments(
            "RegisterGrainTimer",
            "schedule the tenant's work on Server.Clock instead (LoopingCall, CallLater), which its shutdown stops and whose callbacks run in the tenant's contexts"));

    [Test]
    public Task GrainTimersInPlainGrainsOrABoundary_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Orleans;
        using Orleans;

        sealed class PresenceGrain : Grain
        {
            public void Start() => this.RegisterGrainTimer(() => Task.CompletedTask, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }

        sealed class ChatTenantGrain : TenantGrain<ChatConfig, ChatServer>
        {
            [ContextBoundary("Keeps the activation alive for Orleans, touches no tenant state")]
            public void KeepAlive() => this.RegisterGrainTimer(() => Task.CompletedTask, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }
        """ + Orleans + Tenant);

    [Test]
    public Task GrainTimersWithoutContextFlowOrleans_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using Orleans;

        namespace Orleans
        {
            public interface IGrainBase { }
            public abstract class Grain : IGrainBase { }
            public static class GrainBaseExtensions
            {
                public static System.IDisposable RegisterGrainTimer(this IGrainBase grain, Func<Task> callback, TimeSpan dueTime, TimeSpan period) => null!;
            }
        }

        namespace ContextFlow.Orleans
        {
            // A type of this name that is not ContextFlow.Orleans' TenantGrain<,>.
            public abstract class TenantGrain : global::Orleans.Grain { }
        }

        sealed class ChatTenantGrain : ContextFlow.Orleans.TenantGrain
        {
            public void Start() => this.RegisterGrainTimer(() => Task.CompletedTask, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }
        """);
}
