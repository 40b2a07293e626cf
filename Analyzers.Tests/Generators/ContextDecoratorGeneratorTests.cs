using ContextFlow.Analyzers.Tests.Generators.Support;
using ContextFlow.Generators;

namespace ContextFlow.Analyzers.Tests.Generators;

public sealed class ContextDecoratorGeneratorTests
{
    [Test]
    public void MemberShapes_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new ContextDecoratorGenerator(), """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics.CodeAnalysis;
        using System.Threading;
        using System.Threading.Tasks;
        using ContextFlow;

        namespace Sample;

        [ContextDecorator]
        public interface IKeyStore
        {
            void Put(string key, byte[] value);
            int Count();
            Task FlushAsync(CancellationToken cancellationToken = default);
            Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);
            ValueTask DeleteAsync(string key);
            ValueTask<int> SizeAsync();
            T? Find<T>(string key, T? fallback = default) where T : class, IComparable<T>, new();
            bool TryGet(string key, [NotNullWhen(true)] out byte[]? value);
            ref int Slot(int index);
            string Name { get; set; }
            int Version { get; }
            string? this[int index, string measure] { get; set; }
            event EventHandler? Changed;
            void Write(ref int position, in long offset, params string[] lines);
            static int Shared() => 0;
            string Describe() => Name;
        }
        """), nameof(ContextDecoratorGeneratorTests) + "." + nameof(MemberShapes_MatchSnapshot));

    [Test]
    public void InterfaceShapes_MatchSnapshot() => Snapshot.Match(GeneratorRunner.Generate(new ContextDecoratorGenerator(), """
        using System.Collections;
        using System.Collections.Generic;
        using ContextFlow;

        namespace Sample
        {
            public interface INamed
            {
                string Name { get; }
            }

            [ContextDecorator]
            internal interface IRepository<TItem> : INamed, IEnumerable<TItem>
                where TItem : class
            {
                TItem? Get(int id);
            }

            public partial class Host
            {
                [ContextDecorator]
                private interface IClock
                {
                    long Now();
                }
            }
        }

        [ContextDecorator]
        public interface Global
        {
            void Run();
        }
        """), nameof(ContextDecoratorGeneratorTests) + "." + nameof(InterfaceShapes_MatchSnapshot));

    [Test]
    public void InvalidUse_GeneratesNothing()
    {
        var files = GeneratorRunner.Generate(new ContextDecoratorGenerator(), """
            using System.Threading.Tasks;
            using ContextFlow;

            public class NotPartial
            {
                [ContextDecorator]
                public interface INested
                {
                    void Run();
                }
            }

            [ContextDecorator]
            public interface IAsyncRef
            {
                Task RunAsync(ref int x);
            }

            [ContextDecorator]
            public interface IInit
            {
                string Name { get; init; }
            }
            """);

        Assert.That(files, Is.Empty);
    }

    [Test]
    public void UnrelatedEdit_EveryStepIsCachedAndHoldsNoRoslynObjects() =>
        IncrementalChecks.AssertCachedAfterUnrelatedEdit(new ContextDecoratorGenerator(), """
            using System.Threading.Tasks;
            using ContextFlow;

            [ContextDecorator]
            public interface IKeyStore
            {
                Task<int> CountAsync();
                string Name { get; }
            }
            """);
}
