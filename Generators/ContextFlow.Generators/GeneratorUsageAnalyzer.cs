using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ContextFlow.Generators.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContextFlow.Generators;

/// <summary>
/// Reports misuse of the generator attributes (CTX9001–CTX9008). It runs the generators' own parsers, so whatever it
/// reports is exactly what the generators skip, and what it accepts is exactly what they generate.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorUsageAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.NotInPartialType,
        Descriptors.NoOwner,
        Descriptors.SeveralOwners,
        Descriptors.UnsupportedBackgroundProcess,
        Descriptors.UnsupportedEntryPoint,
        Descriptors.UnsupportedDecoratorMember,
        Descriptors.EmptyName,
        Descriptors.GeneratedMemberConflict);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            var backgroundProcess = compilation.GetTypeByMetadataName(KnownTypes.BackgroundProcessAttribute);
            var entryPoint = compilation.GetTypeByMetadataName(KnownTypes.ContextEntryPointAttribute);
            var decorator = compilation.GetTypeByMetadataName(KnownTypes.ContextDecoratorAttribute);
            if (backgroundProcess is null && entryPoint is null && decorator is null)
            {
                return;
            }

            var known = new KnownTypes(compilation);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var method = (IMethodSymbol)symbolContext.Symbol;
                    var diagnostics = new List<Diagnostic>();
                    foreach (var attribute in method.GetAttributes())
                    {
                        if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, backgroundProcess))
                        {
                            BackgroundProcessGenerator.Parser.Parse(known, method, attribute, diagnostics, symbolContext.CancellationToken);
                        }
                        else if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, entryPoint))
                        {
                            ContextEntryPointGenerator.Parser.Parse(known, method, attribute, diagnostics, symbolContext.CancellationToken);
                        }
                    }

                    diagnostics.ForEach(symbolContext.ReportDiagnostic);
                },
                SymbolKind.Method);
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    var type = (INamedTypeSymbol)symbolContext.Symbol;
                    if (type.TypeKind != TypeKind.Interface || decorator is null ||
                        !type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, decorator)))
                    {
                        return;
                    }

                    var diagnostics = new List<Diagnostic>();
                    ContextDecoratorGenerator.Parser.Parse(known, type, diagnostics, symbolContext.CancellationToken);
                    diagnostics.ForEach(symbolContext.ReportDiagnostic);
                },
                SymbolKind.NamedType);
        });
    }
}
