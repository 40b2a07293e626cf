using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Verify = ContextFlow.Analyzers.Tests.Support.CSharpAnalyzerVerifier<ContextFlow.Analyzers.Rules.RawTimerAnalyzer>;

namespace ContextFlow.Analyzers.Tests.Support;

/// <summary>
/// The operation rules skip generated code themselves (Support/GeneratedCode.cs); these pin each way a site can be
/// generated, as the compiler defines it, next to a hand-written site that still reports.
/// </summary>
public sealed class GeneratedCodeTests
{
    private const string Timer = """
        using System.Threading;

        class Generated
        {
            void M() { var t = new Timer(_ => { }); }
        }
        """;

    private const string HandWritten = """
        using System.Threading;

        class HandWritten
        {
            void M() { var t = {|CTX2001:new Timer(_ => { })|}; }
        }
        """;

    [Test]
    public Task GeneratedCodeAttributeOnTypeOrMember_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.CodeDom.Compiler;
        using System.Threading;

        [GeneratedCode("tool", "1.0")]
        class Generated
        {
            void M() { var t = new Timer(_ => { }); }
            void InLambda() { System.Action a = () => new Timer(_ => { }); }
        }

        class Partly
        {
            [GeneratedCode("tool", "1.0")]
            void M() { var t = new Timer(_ => { }); }

            void N() { var t = {|CTX2001:new Timer(_ => { })|}; }
        }
        """);

    [Test]
    public Task GeneratedFileName_DoesNotReport() => Run(test => test.TestState.Sources.Add(("/0/Timers.g.cs", Timer)));

    [Test]
    public Task GeneratedCodeSetting_DoesNotReport() => Run(test =>
    {
        test.TestState.Sources.Add(("/0/Timers.cs", Timer));
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[Timers.cs]\ngenerated_code = true\n"));
    });

    [Test]
    public Task LineHidden_DoesNotReport() => Run(test => test.TestState.Sources.Add(("/0/Timers.cs", """
        using System.Threading;

        class Generated
        {
        #line hidden
            void M() { var t = new Timer(_ => { }); }
        #line default
        }
        """)));

    private static Task Run(System.Action<Verify.Test> addGenerated)
    {
        var test = new Verify.Test { TestCode = HandWritten };
        addGenerated(test);
        return test.RunAsync();
    }
}
