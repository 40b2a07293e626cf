using System.Linq;
using ContextFlow.Generators.Common;

namespace ContextFlow.Generators;

public sealed partial class BackgroundProcessGenerator
{
    internal static class Emitter
    {
        public static string Emit(Model model)
        {
            var writer = SourceFile.Begin(model.Scope);
            var description = SymbolText.XmlEscape(model.Description);
            writer.Doc($"<summary>\nStarts <c>{SymbolText.XmlEscape(model.MethodName)}</c> as the background process <c>{description}</c>: in a fresh context\nnamed <c>{description}-{{n}}</c> of the owning server, with no parent, whatever the caller's context.\n</summary>\n<returns>The task of the process's completion, as <c>RunAsBackgroundProcess</c> returns it.</returns>");
            writer.Line(SourceFile.GeneratedCodeAttribute);
            writer.Line(
                model.Accessibility + (model.IsStatic ? " static" : "") + " global::System.Threading.Tasks.Task " + model.GeneratedName + model.TypeParameters +
                "(" + string.Join(", ", model.Parameters.Select(p => p.Declaration())) + ")");
            foreach (var constraint in model.Constraints)
            {
                writer.Line("    " + constraint);
            }

            var call = model.Receiver + "." + model.MethodName + model.TypeParameters + "(" + string.Join(", ", model.CallArguments) + ")" +
                (model.ReturnsValueTask ? ".AsTask()" : "");
            writer.Open()
                .Line("return " + SourceFile.NonNull(model.Owner, "BackgroundProcesses to run in") + ".RunAsBackgroundProcess(")
                .Line("    " + SymbolText.Literal(model.Description) + ",")
                .Line("    " + model.TokenName + " => " + call + ");")
                .Close();
            return SourceFile.End(writer, model.Scope);
        }
    }
}
