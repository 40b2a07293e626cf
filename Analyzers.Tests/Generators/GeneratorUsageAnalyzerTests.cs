using System.Threading.Tasks;
using Verify = ContextFlow.Analyzers.Tests.Generators.Support.GeneratorUsageVerifier;

namespace ContextFlow.Analyzers.Tests.Generators;

/// <summary>What holds for every CTX9xxx rule of <c>GeneratorUsageAnalyzer</c>; each rule's own cases are in <c>Rules/{Stem}Tests.cs</c>.</summary>
public sealed class GeneratorUsageAnalyzerTests
{
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
