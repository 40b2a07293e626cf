using System.Linq;
using ContextFlow.Generators.Common;

namespace ContextFlow.Generators;

public sealed partial class ContextDecoratorGenerator
{
    internal static class Emitter
    {
        private const string Measure = "global::ContextFlow.Metrics.Measure";

        public static string Emit(Model model)
        {
            var writer = SourceFile.Begin(model.Scope);
            writer.Doc(
                $"<summary>\nImplements <see cref=\"{model.InterfaceCref}\"/> over an inner instance: every call runs in the nested context\n" +
                $"<c>\"{model.InterfaceName}.{{Member}}\"</c> (a child of the caller's, same server) and records its block metrics\n" +
                $"(see <see cref=\"{Measure}\"/>).\n</summary>");
            writer.Line(SourceFile.GeneratedCodeAttribute);
            writer.Line($"{model.Accessibility} sealed partial class {model.ClassName}{model.TypeParameters} : {model.InterfaceType}");
            foreach (var constraint in model.Constraints)
            {
                writer.Line("    " + constraint);
            }

            writer.Open()
                .Line($"private readonly {model.InterfaceType} _inner;")
                .Line()
                .Doc("<summary>Wraps <paramref name=\"inner\"/>.</summary>\n<param name=\"inner\">The instance every call is forwarded to.</param>\n" +
                     "<exception cref=\"global::System.ArgumentNullException\"><paramref name=\"inner\"/> is <see langword=\"null\"/>.</exception>")
                .Line($"public {model.ClassName}({model.InterfaceType} inner)")
                .Open()
                .Line("_inner = inner ?? throw new global::System.ArgumentNullException(nameof(inner));")
                .Close();

            foreach (var member in model.Members)
            {
                writer.Line().Line("/// <inheritdoc />");
                switch (member.Kind)
                {
                    case MemberKind.Method:
                        WriteMethod(writer, member);
                        break;
                    case MemberKind.Event:
                        writer.Line(member.Attributes + Modifiers(member) + "event " + member.Type + " " + Name(member))
                            .Open()
                            .Line($"add => {member.Receiver}.{member.Name} += value;")
                            .Line($"remove => {member.Receiver}.{member.Name} -= value;")
                            .Close();
                        break;
                    default:
                        WriteProperty(writer, member);
                        break;
                }
            }

            writer.Close();
            return SourceFile.End(writer, model.Scope);
        }

        private static void WriteMethod(IndentedWriter writer, MemberModel member)
        {
            var isAsync = member.Awaitable != AwaitableKind.None;
            var explicitImplementation = member.ExplicitInterface is not null;
            writer.Line(
                member.Attributes + Modifiers(member) + (isAsync ? "async " : "") + member.RefKind + member.Type + " " + Name(member) + member.TypeParameters +
                "(" + string.Join(", ", member.Parameters.Select(p => p.Declaration(withDefault: !explicitImplementation))) + ")");
            if (!explicitImplementation)
            {
                foreach (var constraint in member.Constraints)
                {
                    writer.Line("    " + constraint);
                }
            }

            var call = member.Receiver + "." + member.Name + member.TypeParameters + "(" + string.Join(", ", member.Parameters.Select(p => p.Argument)) + ")";
            writer.Open().Line(StartMeasure(member));
            if (isAsync)
            {
                var returnsValue = member.Awaitable is AwaitableKind.TaskOfT or AwaitableKind.ValueTaskOfT;
                writer.Line((returnsValue ? "return " : "") + "await " + call + ".ConfigureAwait(false);");
            }
            else
            {
                writer.Line(member.Type == "void" ? call + ";" : Return(member) + call + ";");
            }

            writer.Close();
        }

        private static void WriteProperty(IndentedWriter writer, MemberModel member)
        {
            var isIndexer = member.Kind == MemberKind.Indexer;
            var explicitImplementation = member.ExplicitInterface is not null;
            var access = isIndexer
                ? member.Receiver + "[" + string.Join(", ", member.Parameters.Select(p => p.Argument)) + "]"
                : member.Receiver + "." + member.Name;
            writer.Line(
                member.Attributes + Modifiers(member) + member.RefKind + member.Type + " " +
                (isIndexer
                    ? (explicitImplementation ? member.ExplicitInterface + "." : "") + "this[" +
                      string.Join(", ", member.Parameters.Select(p => p.Declaration(withDefault: !explicitImplementation))) + "]"
                    : Name(member)));
            writer.Open();
            if (member.HasGetter)
            {
                writer.Line("get").Open().Line(StartMeasure(member)).Line(Return(member) + access + ";").Close();
            }

            if (member.HasSetter)
            {
                writer.Line("set").Open().Line(StartMeasure(member)).Line(access + " = value;").Close();
            }

            writer.Close();
        }

        private static string StartMeasure(MemberModel member) =>
            $"using var {member.MeasureName} = {Measure}.Start({SymbolText.Literal(member.BlockName)});";

        private static string Return(MemberModel member) => member.RefKind.Length > 0 ? "return ref " : "return ";

        private static string Modifiers(MemberModel member) => member.ExplicitInterface is null ? "public " : "";

        private static string Name(MemberModel member) =>
            member.ExplicitInterface is null ? member.Name : member.ExplicitInterface + "." + member.Name;
    }
}
