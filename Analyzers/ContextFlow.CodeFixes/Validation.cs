using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;

namespace ContextFlow.CodeFixes;

/// <summary>A fix is offered only when its result compiles at least as well as the original.</summary>
internal static class Validation
{
    public static async Task<bool> AddsNoErrorsAsync(Document before, Document after, CancellationToken cancellationToken)
    {
        var oldModel = await before.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var newModel = await after.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (oldModel is null || newModel is null)
        {
            return false;
        }

        return Errors(newModel, cancellationToken) <= Errors(oldModel, cancellationToken);
    }

    private static int Errors(SemanticModel model, CancellationToken cancellationToken) =>
        model.GetDiagnostics(cancellationToken: cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Error);
}
