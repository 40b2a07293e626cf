using System;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.Logging;

public sealed class LoggingContextTests : ContextCleanFixture
{
    [Test]
    public void Sentinel_HasTheReferenceNames()
    {
        var sentinel = LoggingContext.Sentinel;

        Assert.Multiple(() =>
        {
            Assert.That(sentinel.Name, Is.EqualTo("sentinel"));
            Assert.That(sentinel.ToString(), Is.EqualTo("sentinel"));
            Assert.That(sentinel.ServerName, Is.EqualTo("unknown_server_from_sentinel_context"));
            Assert.That(sentinel.IsSentinel, Is.True);
            Assert.That(sentinel.Parent, Is.Null);
            Assert.That(sentinel.Request, Is.Null);
            Assert.That(LoggingContext.Current, Is.SameAs(sentinel));
        });
    }

    [Test]
    public void Sentinel_ChargesNothingAndWarns()
    {
        LoggingContext.Sentinel.RecordDatabaseTransaction(TimeSpan.FromSeconds(1));
        LoggingContext.Sentinel.RecordDatabaseScheduled(TimeSpan.FromSeconds(1));
        LoggingContext.Sentinel.RecordRowsFetched(10);

        Assert.That(LoggingContext.Sentinel.GetResourceUsage(), Is.EqualTo(default(ResourceUsage)));
        Assert.That(Log.Messages, Has.Exactly(3).Contains("from sentinel context: metrics will be lost"));
    }

    [Test]
    public void Sentinel_CannotBeAParent()
    {
        Assert.Throws<ArgumentException>(() => _ = new LoggingContext("x", "hs", LoggingContext.Sentinel));
    }

    [Test]
    public void Constructor_RejectsEmptyNames()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => _ = new LoggingContext("", "hs"));
            Assert.Throws<ArgumentNullException>(() => _ = new LoggingContext(null!, "hs"));
            Assert.Throws<ArgumentException>(() => _ = new LoggingContext("x", ""));
        });
    }

    [Test]
    public void test_with_context()
    {
        using (new LoggingContext("test", "hs").Enter())
        {
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("test"));
        }
    }

    [Test]
    public void Enter_RestoresExactlyWhatItReplaced()
    {
        var outer = new LoggingContext("outer", "hs");
        var inner = new LoggingContext("inner", "hs");

        using (outer.Enter())
        {
            using (inner.Enter())
            {
                Assert.That(LoggingContext.Current, Is.SameAs(inner));
            }

            Assert.That(LoggingContext.Current, Is.SameAs(outer));
        }

        Assert.That(LoggingContext.Current.IsSentinel);
    }

    [Test]
    public void Exit_MarksFinished_AndReEnteringReports()
    {
        var context = new LoggingContext("once", "hs");
        using (context.Enter())
        {
            Assert.That(context.IsFinished, Is.False);
        }

        Assert.That(context.IsFinished, Is.True);

        using (context.Enter())
        {
            Assert.That(LoggingContext.Current, Is.SameAs(context), "a finished context can still be re-activated");
        }

        Assert.That(TakeErrors(), Is.EqualTo(new[] { "Re-starting finished log context once" }));
    }

    [Test]
    public void Exit_WhenAnotherContextIsCurrent_ReportsButFound()
    {
        var expected = new LoggingContext("expected", "hs");
        var intruder = new LoggingContext("intruder", "hs");

        #pragma warning disable CTX1001 // the undisposed scope is what this test is about
        var scope = expected.Enter();
        #pragma warning restore CTX1001
        LoggingContext.SetCurrent(intruder);
        scope.Dispose();

        Assert.That(TakeErrors(), Is.EqualTo(new[] { "Expected logging context expected but found intruder" }));
        Assert.That(LoggingContext.Current.IsSentinel, "the scope still restores what it replaced");
    }

    [Test]
    public void Exit_WhenTheSentinelIsCurrent_ReportsLost()
    {
        var expected = new LoggingContext("expected", "hs");

        #pragma warning disable CTX1001 // the undisposed scope is what this test is about
        var scope = expected.Enter();
        #pragma warning restore CTX1001
        LoggingContext.SetCurrent(null);
        scope.Dispose();

        Assert.That(TakeErrors(), Is.EqualTo(new[] { "Expected logging context expected was lost" }));
    }

    [Test]
    public void Enter_TheCurrentContextAgain_IsANoOpSwitch()
    {
        var context = new LoggingContext("same", "hs");
        using (context.Enter())
        {
            using (LoggingContext.Preserve(context))
            {
                Assert.That(LoggingContext.Current, Is.SameAs(context));
            }

            Assert.That(LoggingContext.Current, Is.SameAs(context));
            Assert.That(context.IsFinished, Is.False);
        }
    }

    [Test]
    public void Preserve_DefaultsToTheSentinel_AndNeverFinishes()
    {
        var context = new LoggingContext("foo", "hs");
        using (context.Enter())
        {
            using (LoggingContext.Preserve())
            {
                Assert.That(LoggingContext.Current.IsSentinel);
            }

            using (LoggingContext.Preserve(new LoggingContext("other", "hs")))
            {
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("other"));
            }

            Assert.That(LoggingContext.Current, Is.SameAs(context));
        }
    }

    [Test]
    public void Preserve_WarnsOnMismatchAtExit_WithoutFinishing()
    {
        var target = new LoggingContext("target", "hs");

        #pragma warning disable CTX1001 // the undisposed scope is what this test is about
        var scope = LoggingContext.Preserve(target);
        #pragma warning restore CTX1001
        LoggingContext.SetCurrent(new LoggingContext("stray", "hs"));
        scope.Dispose();

        Assert.That(TakeErrors(), Is.EqualTo(new[] { "Expected logging context target but found stray" }));
        Assert.That(target.IsFinished, Is.False);
    }

    [Test]
    public void Dispose_KeepsOtherAsyncLocalChangesMadeInsideTheScope()
    {
        var other = new System.Threading.AsyncLocal<string?>();
        using (new LoggingContext("outer", "hs").Enter())
        {
            using (new LoggingContext("inner", "hs").Enter())
            {
                other.Value = "set inside";
            }

            Assert.That(LoggingContext.Current.Name, Is.EqualTo("outer"));
            Assert.That(other.Value, Is.EqualTo("set inside"));
        }
    }

    [Test]
    public void DefaultScope_DisposesAsANoOp()
    {
        default(LoggingContextScope).Dispose();

        Assert.That(LoggingContext.Current.IsSentinel);
    }

    [Test]
    public void test_nested_logging_context()
    {
        var foo = new LoggingContext("foo", "hs");
        using (foo.Enter())
        {
            var nested = LoggingContext.Current.CreateNested("bar");

            Assert.Multiple(() =>
            {
                Assert.That(nested.Name, Is.EqualTo("foo-bar"));
                Assert.That(nested.Parent, Is.SameAs(foo));
                Assert.That(nested.ServerName, Is.EqualTo("hs"));
                Assert.That(LoggingContext.Current, Is.SameAs(foo), "nesting does not enter");
            });
        }
    }

    [Test]
    public void CreateNested_FromTheSentinel_WarnsAndHasNoParent()
    {
        var nested = LoggingContext.Current.CreateNested("bar");

        Assert.Multiple(() =>
        {
            Assert.That(nested.Name, Is.EqualTo("sentinel-bar"));
            Assert.That(nested.Parent, Is.Null);
            Assert.That(nested.ServerName, Is.EqualTo("unknown_server_from_sentinel_context"));
            Assert.That(Log.Messages, Has.One.EqualTo("Starting nested logging context from sentinel context: metrics will be lost"));
        });
    }

    [Test]
    public void Request_IsInheritedFromTheParent_UnlessGiven()
    {
        var request = new RequestInfo("GET-1", Method: "GET");
        var other = new RequestInfo("POST-2", Method: "POST");
        var parent = new LoggingContext("GET-1", "hs", request: request);

        Assert.Multiple(() =>
        {
            Assert.That(parent.CreateNested("child").Request, Is.SameAs(request));
            Assert.That(new LoggingContext("c", "hs", parent).Request, Is.SameAs(request));
            Assert.That(new LoggingContext("c", "hs", parent, other).Request, Is.SameAs(other));
        });
    }

    [Test]
    public async Task AsyncMethodThatEnters_NeverLeaksToItsCaller()
    {
        static async Task EnterAndYieldAsync()
        {
            #pragma warning disable CTX1001 // the undisposed scope is what this test is about
            var scope = new LoggingContext("inner", "hs").Enter();
            #pragma warning restore CTX1001
            await Task.Yield();
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("inner"));
            _ = scope; // deliberately not disposed: the async method's own ExecutionContext is discarded on return
        }

        var foo = new LoggingContext("foo", "hs");
        using (foo.Enter())
        {
            var pending = EnterAndYieldAsync();
            Assert.That(LoggingContext.Current, Is.SameAs(foo), "not after the first yield");
            await pending;
            Assert.That(LoggingContext.Current, Is.SameAs(foo), "not after completion");
        }
    }

    [Test]
    public void SyncMethodThatForgetsToDispose_LeaksToItsCaller()
    {
        // This is what CTX1001 turns into a compile error: synchronous code shares its caller's flow.
        #pragma warning disable CTX1001 // the undisposed scope is what this test is about
        static void EnterAndForget() => new LoggingContext("leaked", "hs").Enter();
        #pragma warning restore CTX1001

        EnterAndForget();

        Assert.That(LoggingContext.Current.Name, Is.EqualTo("leaked"));
        LoggingContext.SetCurrent(null);
    }
}
