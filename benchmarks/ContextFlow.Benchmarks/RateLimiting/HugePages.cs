using System;
using System.Reflection;
using System.Runtime.InteropServices;
using ContextFlow.RateLimiting;

namespace ContextFlow.Benchmarks.RateLimiting;

/// <summary>
/// An experiment for <see cref="RatelimiterProfile"/>, not something the limiter does: asks Linux to back the memory
/// of a limiter's slot tables with 2 MB pages at once (<c>madvise(MADV_COLLAPSE)</c>, Linux 6.1 and later), whatever
/// the system's transparent-huge-page setting, so that looking a key up no longer needs a page walk.
/// </summary>
/// <remarks>
/// The tables are found by reflection and pinned while their addresses are taken. The advice covers the 2 MB-aligned
/// ranges around each table, so neighbouring heap memory is collapsed too; that changes how the memory is backed,
/// never what it holds.
/// </remarks>
internal static class HugePages
{
    private const int MadvCollapse = 25;
    private const long PageSize = 2 * 1024 * 1024;

    public static bool Collapse(Ratelimiter<long> limiter)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var shards = (Array)Field(limiter, "_shards");
        var collapsed = false;
        foreach (var shard in shards)
        {
            var slots = (Array)Field(shard!, "_slots");
            var handle = GCHandle.Alloc(slots, GCHandleType.Pinned);
            try
            {
                var start = (long)handle.AddrOfPinnedObject();
                var length = (long)slots.Length * SizeOf(slots.GetType().GetElementType()!);
                var from = start & ~(PageSize - 1);
                var to = (start + length + PageSize - 1) & ~(PageSize - 1);
                collapsed |= madvise((nint)from, (nuint)(to - from), MadvCollapse) == 0;
            }
            finally
            {
                handle.Free();
            }
        }

        return collapsed;
    }

    // Marshal.SizeOf refuses generic structs; the runtime's own size of the element is what the array holds.
    private static int SizeOf(Type type) =>
        (int)typeof(System.Runtime.CompilerServices.Unsafe).GetMethod(nameof(System.Runtime.CompilerServices.Unsafe.SizeOf))!
            .MakeGenericMethod(type).Invoke(null, null)!;

    private static object Field(object owner, string name) =>
        owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(owner)
        ?? throw new InvalidOperationException($"{owner.GetType().Name}.{name} is gone");

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint address, nuint length, int advice);
}
