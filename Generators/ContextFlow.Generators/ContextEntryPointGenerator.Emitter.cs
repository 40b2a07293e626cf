using ContextFlow.Generators.Common;

namespace ContextFlow.Generators;

public sealed partial class ContextEntryPointGenerator
{
    internal static class Emitter
    {
        public static string Emit(Model model)
        {
            var writer = SourceFile.Begin(model.Scope);
            var name = SymbolText.XmlEscape(model.ContextName);
            writer.Doc(
                $"<summary>\n<c>{SymbolText.XmlEscape(model.MethodName)}</c> for foreign callers (events, third-party callbacks, raw threads): each call runs\n" +
                $"in a fresh context <c>{name}</c> of the owning server, with no parent, whatever context or thread it comes from,\n" +
                "and leaves the caller's context as it found it.\n</summary>");
            writer.Line(SourceFile.GeneratedCodeAttribute);
            writer.Line($"{model.Accessibility}{(model.IsStatic ? " static" : "")} {model.DelegateType} {model.GeneratedName} =>");
            var isAsync = model.Awaitable != AwaitableKind.None;
            var call = model.Receiver + "." + model.MethodName + "(" + string.Join(", ", model.Parameters) + ")";
            var body = isAsync
                ? (model.Awaitable is AwaitableKind.TaskOfT or AwaitableKind.ValueTaskOfT ? "return " : "") + "await " + call + ".ConfigureAwait(false);"
                : (model.ReturnsVoid ? "" : "return ") + call + ";";
            writer.Indent()
                .Line((isAsync ? "async " : "") + "(" + string.Join(", ", model.Parameters) + ") =>")
                .Open()
                .Line("using (new global::ContextFlow.LoggingContext(" + SymbolText.Literal(model.ContextName) + ", " +
                      SourceFile.NonNull(model.Owner, "server to run in") + ").Enter())")
                .Open()
                .Line(body)
                .Close()
                .Close(";")
                .Unindent();
            return SourceFile.End(writer, model.Scope);
        }
    }
}
