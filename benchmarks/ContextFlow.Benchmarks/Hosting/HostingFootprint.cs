using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using ContextFlow.Hosting;
using ContextFlow.Time;

namespace ContextFlow.Benchmarks.Hosting;

/// <summary>
/// What provisioning and deprovisioning leaves behind, which BenchmarkDotNet cannot show: the GC heap after full
/// collections before any server, with every server live, and after each round of provisioning and deprovisioning
/// them all. A leak shows as a heap that grows round after round.
/// </summary>
/// <remarks><c>dotnet run -c Release --project benchmarks/ContextFlow.Benchmarks -- hosting-footprint [servers] [rounds]</c></remarks>
internal static class HostingFootprint
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"Hosting footprint: {count:N0} busy servers (a looping call, a delayed call, a background process each), {rounds} rounds");
        Console.WriteLine("| round | provision (µs/server) | deprovision (µs/server) | heap with all live (bytes/server) | heap after (bytes, vs before any) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");

        var running = new RunningSignal();
        await using var host = new ServerHost(running);
        await host.StartAsync();
        await RoundAsync(host, running, count);   // warms up code paths and static tables, not counted
        var before = Heap();
        for (var round = 1; round <= rounds; round++)
        {
            var (provision, deprovision, live) = await RoundAsync(host, running, count);
            var after = Heap();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {round} | {provision.TotalMicroseconds / count:F1} | {deprovision.TotalMicroseconds / count:F1} | {(live - before) / count:N0} | {after - before:+#,0;-#,0;0} |"));
        }
    }

    private static async Task<(TimeSpan Provision, TimeSpan Deprovision, long LiveHeap)> RoundAsync(ServerHost host, RunningSignal running, int count)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await host.ProvisionAsync(new BenchConfig { ServerName = $"s{i}.example", Busy = true }, (c, _) => new BenchServer(c, running));
        }

        var provision = watch.Elapsed;
        var live = Heap();
        watch.Restart();
        for (var i = 0; i < count; i++)
        {
            await host.DeprovisionAsync($"s{i}.example");
        }

        return (provision, watch.Elapsed, live);
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
