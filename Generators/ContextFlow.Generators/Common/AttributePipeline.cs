using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ContextFlow.Generators.Common;

/// <summary>
/// The pipeline all three generators share: <c>ForAttributeWithMetadataName</c> with a syntax predicate, a parser
/// that turns each marked declaration into an equatable model (null when it cannot be generated, which the
/// generator-usage analyzer reports), and one source file per model. The steps carry <see cref="TrackingNames"/>.
/// </summary>
internal static class AttributePipeline
{
    public static void Register<TModel>(
        IncrementalGeneratorInitializationContext context,
        string attributeMetadataName,
        Func<SyntaxNode, CancellationToken, bool> predicate,
        Func<GeneratorAttributeSyntaxContext, KnownTypes, CancellationToken, TModel?> parse,
        Func<TModel, string> hintName,
        Func<TModel, string> emit)
        where TModel : class
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attributeMetadataName,
                predicate,
                (syntax, cancellationToken) => parse(syntax, new KnownTypes(syntax.SemanticModel.Compilation), cancellationToken))
            .WithTrackingName(TrackingNames.Parsed)
            .SelectMany(static (model, _) => model is null ? ImmutableArray<TModel>.Empty : ImmutableArray.Create(model))
            .WithTrackingName(TrackingNames.Valid);

        context.RegisterSourceOutput(models, (output, model) => output.AddSource(hintName(model), emit(model)));
    }
}
