using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Analyzers.Tests.Generators.Support;
using ContextFlow.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContextFlow.Analyzers.Tests.Generators;

/// <summary>Code being typed is broken most of the time: the generators and their analyzer must never throw on it.</summary>
public sealed class GeneratorRobustnessTests
{
    private static IEnumerable<TestCaseData> BrokenSources()
    {
        yield return Case("attribute without arguments", """
            using System.Threading.Tasks;
            using ContextFlow;
            public partial class C
            {
                [BackgroundProcess] public Task A() => Task.CompletedTask;
                [ContextEntryPoint] public void B() { }
            }
            """);
        yield return Case("attribute with a wrong argument", """
            using System.Threading.Tasks;
            using ContextFlow;
            public partial class C
            {
                [BackgroundProcess(42)] public Task A() => Task.CompletedTask;
                [ContextEntryPoint(null)] public void B() { }
            }
            """);
        yield return Case("unknown types everywhere", """
            using ContextFlow;
            public partial class C : Missing
            {
                private readonly Nowhere _owner;
                [BackgroundProcess("a")] public Unknown A(Gone x) => default;
                [ContextEntryPoint("b")] public Unknown B(Gone x) => default;
            }
            [ContextDecorator]
            public interface I : IMissing
            {
                Unknown M(Gone x);
                Unknown P { get; }
            }
            """);
        yield return Case("half-typed members", """
            using System.Threading.Tasks;
            using ContextFlow;
            public partial class C
            {
                [BackgroundProcess("a")] public Task A(int
                [ContextEntryPoint("b")] public void
            }
            [ContextDecorator]
            public interface I
            {
                Task M(ref
                int this[
            }
            """);
        yield return Case("attribute on a local function and a lambda", """
            using System;
            using System.Threading.Tasks;
            using ContextFlow;
            public partial class C
            {
                void M()
                {
                    [BackgroundProcess("a")] Task Local() => Task.CompletedTask;
                    Func<Task> f = [BackgroundProcess("b")] () => Task.CompletedTask;
                }
            }
            """);
    }

    [TestCaseSource(nameof(BrokenSources))]
    public void Generators_NeverThrow(string source)
    {
        foreach (var generator in new IIncrementalGenerator[] { new BackgroundProcessGenerator(), new ContextDecoratorGenerator(), new ContextEntryPointGenerator() })
        {
            var result = GeneratorRunner.CreateDriver(generator).RunGenerators(GeneratorTestCompilation.Create(source)).GetRunResult();

            Assert.That(result.Results.Single().Exception, Is.Null, generator.GetType().Name);
        }
    }

    [TestCaseSource(nameof(BrokenSources))]
    public async Task Analyzer_NeverThrows(string source)
    {
        var compilation = GeneratorTestCompilation.Create(source);
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new GeneratorUsageAnalyzer()), options)
            .GetAllDiagnosticsAsync();

        Assert.That(diagnostics.Where(d => d.Id == "AD0001").Select(d => d.ToString()), Is.Empty);
    }

    private static TestCaseData Case(string name, string source) => new TestCaseData(source).SetArgDisplayNames(name);
}
