using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Hosting;

namespace ContextFlow.Tests.Hosting;

/// <summary>Asserts that nothing keeps a shut-down server, or any part of it, reachable.</summary>
public static class Collectable
{
    /// <summary>
    /// Weak references to the server and to what it owns: a clock or a set of processes kept alive by a timer or a
    /// static table would leak even when the server object itself is free.
    /// </summary>
    public static WeakReference[] Track(Server server) =>
        [new(server), new(server.Clock), new(server.BackgroundProcesses), new(server.Totals)];

    public static async Task AssertCollectedAsync(params WeakReference[] references)
    {
        // Off the stack that completed the server's last task: its frames would otherwise still hold the server.
        await Task.Yield();
        for (var i = 0; i < 20 && references.Any(r => r.IsAlive); i++)
        {
            // A thread that has just completed the server's last task may still be unwinding on a loaded machine.
            if (i >= 3)
            {
                await Task.Delay(10);
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.That(references.Where(r => r.IsAlive).Select(r => r.Target?.GetType().Name), Is.Empty, "parts of the shut-down server are still reachable");
    }
}
