using System;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;

namespace ContextFlow.Tests.Logging;

/// <summary>
/// The reference's Deferred-callback and run_in_background cases, restated for .NET: a continuation observes the
/// context that was current when it was registered, and starting async work never changes the caller's context.
/// </summary>
public sealed class ContinuationContextTests : ContextCleanFixture
{
    [Test]
    public async Task test_deferred_callback_await_in_current_logcontext()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? seenBefore = null, seenAfter = null;
        using (new LoggingContext("foo", "hs").Enter())
        {
            var callback = tcs.Task.ContinueWith(_ =>
            {
                seenBefore = LoggingContext.Current.Name;
                using (new LoggingContext("competing", "hs").Enter())
                {
                }

                seenAfter = LoggingContext.Current.Name;
            }, TaskScheduler.Default);

            tcs.SetResult();
            await tcs.Task;
            await callback;

            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        Assert.That((seenBefore, seenAfter), Is.EqualTo(("foo", "foo")));
    }

    [Test]
    public async Task test_deferred_callback_preserve_logging_context()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? seen = null;
        var callback = tcs.Task.ContinueWith(_ => seen = LoggingContext.Current.Name, TaskScheduler.Default);

        using (new LoggingContext("foo", "hs").Enter())
        {
            using (LoggingContext.Preserve())
            {
                tcs.SetResult();
            }

            await callback;
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        }

        Assert.That(seen, Is.EqualTo("sentinel"), "registered in the sentinel, so it runs in the sentinel");
    }

    [Test]
    public async Task test_deferred_callback_fire_and_forget_with_current_context()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? seen = null;
        Task fired;
        using (LoggingContext.Preserve(new LoggingContext("foo", "hs")))
        {
            fired = tcs.Task.ContinueWith(_ => seen = LoggingContext.Current.Name, TaskScheduler.Default);
            tcs.SetResult();
        }

        Assert.That(LoggingContext.Current.IsSentinel);
        await fired;
        Assert.That(seen, Is.EqualTo("foo"));
    }

    [Test]
    public async Task test_run_in_background_with_blocking_fn()
    {
        await AssertCallerKeepsFooAsync(async () =>
        {
            // Not yet complete when it returns: it resumes on a pool thread, as after a timer, with no real wait.
            await Task.Yield();
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        });
    }

    [Test]
    public async Task test_run_in_background_with_non_blocking_fn()
    {
        await AssertCallerKeepsFooAsync(() => Task.CompletedTask);
    }

    [Test]
    public async Task test_run_in_background_with_coroutine()
    {
        await AssertCallerKeepsFooAsync(async () =>
        {
            await Task.Yield();
            using (new LoggingContext("competing", "hs").Enter())
            {
                await Task.Yield();
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("competing"));
            }

            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
        });
    }

    [Test]
    public async Task test_run_coroutine_in_background_with_nonblocking_coroutine()
    {
        // The #18964 regression: a coroutine that never yields must not strand its caller in the sentinel.
        static async Task NeverYieldsAsync()
        {
            await Task.CompletedTask;
            using (new LoggingContext("competing", "hs").Enter())
            {
            }
        }

        await AssertCallerKeepsFooAsync(NeverYieldsAsync);
    }

    [Test]
    public async Task RunInBackground_SynchronousThrow_BecomesAFaultedTaskAndLeavesTheCallerAlone()
    {
        static async Task ThrowsAsync()
        {
            using (new LoggingContext("doomed", "hs").Enter())
            {
                throw new InvalidOperationException("boom");
            }
#pragma warning disable CS0162 // Unreachable: keeps the method async so the exception lands in the task.
            await Task.CompletedTask;
#pragma warning restore CS0162
        }

        using (new LoggingContext("foo", "hs").Enter())
        {
            var task = ThrowsAsync();
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"));
            Assert.That(task.IsFaulted);
            await Task.WhenAny(task);
        }
    }

    private static async Task AssertCallerKeepsFooAsync(Func<Task> work)
    {
        using (new LoggingContext("foo", "hs").Enter())
        {
            var task = work();
            Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"), "immediately after starting");
            var callbackSaw = task.ContinueWith(_ => LoggingContext.Current.Name, TaskScheduler.Default);
            while (!task.IsCompleted)
            {
                await Task.Yield();
                Assert.That(LoggingContext.Current.Name, Is.EqualTo("foo"), "after each yield");
            }

            await task;
            Assert.That(await callbackSaw, Is.EqualTo("foo"));
        }

        Assert.That(LoggingContext.Current.IsSentinel);
    }
}
