using System;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;

// Every test here misuses a scope on purpose, to check what the misuse reports.
#pragma warning disable CTX1001

namespace ContextFlow.Tests.Logging;

/// <summary>Scopes used wrongly: disposal restores first and reports after, and every misuse is reported.</summary>
public sealed class ScopeMisuseTests : ContextCleanFixture
{
    [Test]
    public void ThrowingErrorsHandler_DisposeRestoresBeforeItThrows()
    {
        var outer = new LoggingContext("outer", "hs");
        var inner = new LoggingContext("inner", "hs");
        using (outer.Enter())
        {
            var scope = inner.Enter();
            LoggingContext.SetCurrent(new LoggingContext("intruder", "hs"));
            LoggingContext.Errors.Handler = message => throw new InvalidOperationException(message);

            Assert.That(() => scope.Dispose(), Throws.InvalidOperationException.With.Message.EqualTo("Expected logging context inner but found intruder"));
            LoggingContext.Errors.Handler = null;
            Assert.That(LoggingContext.Current, Is.SameAs(outer), "the scope restored what it replaced before reporting");
            Assert.That(inner.IsFinished);
        }
    }

    [Test]
    public void ScopeDisposedOnAnotherThread_IsReported_AndTheCreatingFlowIsRestoredByItsOwnDispose()
    {
        var context = new LoggingContext("request", "hs");
        using (var scope = context.Enter())
        {
            Task.Run(() => scope.Dispose()).Wait();
            Assert.That(LoggingContext.Current, Is.SameAs(context), "another thread's disposal cannot reach this flow");
        }

        Assert.That(LoggingContext.Current.IsSentinel);
        Assert.That(TakeErrors(), Is.EqualTo(new[]
        {
            "Logging context scope request disposed more than once: a scope is disposed once, on the flow that entered it",
        }));
    }

    [Test]
    public void ScopeDisposedTwiceOnItsOwnFlow_IsReported_AndChangesNothingTheSecondTime()
    {
        var outer = new LoggingContext("outer", "hs");
        using (outer.Enter())
        {
            var scope = new LoggingContext("inner", "hs").Enter();
            scope.Dispose();
            using (LoggingContext.Preserve(new LoggingContext("later", "hs")))
            {
                scope.Dispose();
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("later"), "the second disposal must not clobber what is current now");
            }

            Assert.That(LoggingContext.Current, Is.SameAs(outer));
        }

        Assert.That(TakeErrors(), Is.EqualTo(new[]
        {
            "Logging context scope inner disposed more than once: a scope is disposed once, on the flow that entered it",
        }));
    }

    [Test]
    public void ScopesDisposedOutOfOrder_EndWhereTheOutermostBegan_AndAreReported()
    {
        var before = new LoggingContext("before", "hs");
        using (before.Enter())
        {
            var a = new LoggingContext("a", "hs").Enter();
            var b = new LoggingContext("b", "hs").Enter();
            var c = new LoggingContext("c", "hs").Enter();

            b.Dispose();
            c.Dispose();
            a.Dispose();
            Assert.That(LoggingContext.Current, Is.SameAs(before));
        }

        Assert.That(LoggingContext.Current.IsSentinel);
        Assert.That(TakeErrors(), Is.EqualTo(new[]
        {
            "Expected logging context b but found c",
            "Logging context c disposed out of order: the scope of b it was entered in was disposed first",
        }));
    }

    [Test]
    public void TwoScopesDisposedOutOfOrder_EndInTheSentinel()
    {
        var a = new LoggingContext("a", "hs").Enter();
        var b = new LoggingContext("b", "hs").Enter();

        a.Dispose();
        b.Dispose();

        Assert.That(LoggingContext.Current.IsSentinel, $"ended in {LoggingContext.Current}");
        Assert.That(TakeErrors(), Has.Count.EqualTo(2));
    }

    [Test]
    public void ReEnteringAFinishedContext_IsReportedOnce_NotAlsoAsADoubleDisposal()
    {
        var context = new LoggingContext("once", "hs");
        using (context.Enter())
        {
        }

        using (context.Enter())
        {
        }

        Assert.That(TakeErrors(), Is.EqualTo(new[] { "Re-starting finished log context once" }));
    }

    [Test]
    public async Task AsyncScopeResumingOnAnotherThread_IsNotReported()
    {
        for (var i = 0; i < 100; i++)
        {
            using (new LoggingContext($"GET-{i}", "hs").Enter())
            {
                await Task.Yield();
                await Task.Run(() => Thread.SpinWait(10));
            }

            Assert.That(LoggingContext.Current.IsSentinel);
        }
    }
}
