using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace ContextFlow.Analyzers.Tests.Generators.Support;

/// <summary>Runs <see cref="GeneratorUsageAnalyzer"/> over a marked-up source (<c>{|CTX9001:…|}</c>) with the generator tests' references.</summary>
internal static class GeneratorUsageVerifier
{
    /// <summary>The usings most test sources start with.</summary>
    public const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;
        using ContextFlow.Background;
        using ContextFlow.Hosting;
        using ContextFlow.Time;

        """;

    /// <summary>No package to resolve: the references come from <see cref="GeneratorTestCompilation"/>.</summary>
    private static readonly ReferenceAssemblies s_noPackages = new("net10.0");

    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<GeneratorUsageAnalyzer, DefaultVerifier>.Diagnostic(id);

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => Create(source, withContextFlow: true, expected).RunAsync(CancellationToken.None);

    /// <summary>Runs the analyzer on a compilation that does not reference ContextFlow (same-named attributes of its own).</summary>
    public static Task VerifyWithoutContextFlowAsync(string source) => Create(source, withContextFlow: false).RunAsync(CancellationToken.None);

    private static CSharpAnalyzerTest<GeneratorUsageAnalyzer, DefaultVerifier> Create(string source, bool withContextFlow, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<GeneratorUsageAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = s_noPackages,
        };
        foreach (var reference in GeneratorTestCompilation.References)
        {
            if (withContextFlow || !reference.Display!.EndsWith("ContextFlow.dll", System.StringComparison.Ordinal))
            {
                test.TestState.AdditionalReferences.Add(reference);
            }
        }

        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution.WithProjectCompilationOptions(
                projectId, ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable));
        });
        test.ExpectedDiagnostics.AddRange(expected);
        return test;
    }
}
