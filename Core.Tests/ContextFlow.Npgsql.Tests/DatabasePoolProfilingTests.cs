using System;
using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Npgsql.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Serilog.Events;

namespace ContextFlow.Npgsql.Tests;

public sealed class DatabasePoolProfilingTests : DatabaseFixture
{
    [Test]
    public async Task Report_LogsTheShareOfWallTimeAndTheTopThreeDescs_InALoopingCallOfTheServer()
    {
        Serilog.Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.FromLoggingContext().WriteTo.Sink(Log).CreateLogger();
        var time = new FakeTimeProvider();
        var pool = NewPool("hs", time: time);
        pool.StartProfiling();

        // Fake time moves only inside the work, so each interaction lasts exactly what it advances, and the clock's
        // 10 s tick is not reached from inside a request.
        using (new LoggingContext("GET-1", "hs").Enter())
        {
            await RunAsync(pool, time, "get_user", 100, 100, 100);
            await RunAsync(pool, time, "get_room", 500);
            await RunAsync(pool, time, "store_event", 50, 50);
            await RunAsync(pool, time, "get_state", 10);
        }

        time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(910));
        var first = Reports();
        time.Advance(TimeSpan.FromSeconds(10));
        var second = Reports();

        Assert.That(first, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(first[0].RenderMessage(System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo("Total database time: 9.100% {get_room(1): 5.000%, get_user(3): 3.000%, store_event(2): 1.000%}"));
            Assert.That(first[0].Level, Is.EqualTo(LogEventLevel.Debug));
            Assert.That(Property(first[0], "Request"), Is.EqualTo("looping_call"));
            Assert.That(Property(first[0], "ServerName"), Is.EqualTo("hs"));
            Assert.That(second.Skip(1).Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)),
                Is.EqualTo(new[] { "Total database time: 0.000% {}" }), "each report covers its own interval only");
        });
    }

    [Test]
    public void StartingTwice_RunsOneLoop()
    {
        var time = new FakeTimeProvider();
        var pool = NewPool("hs", time: time);
        pool.StartProfiling();
        pool.StartProfiling();

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.That(Reports(), Has.Count.EqualTo(1));
    }

    private static async Task RunAsync(DatabasePool pool, FakeTimeProvider time, string desc, params int[] milliseconds)
    {
        foreach (var ms in milliseconds)
        {
            await pool.RunInteractionAsync(desc, async (c, t, ct) =>
            {
                await t.ExecuteAsync("SELECT 1", null, ct);
                time.Advance(TimeSpan.FromMilliseconds(ms));
            });
        }
    }

    private System.Collections.Generic.List<LogEvent> Reports() =>
        Log.Events.Where(e => e.MessageTemplate.Text.StartsWith("Total database time", StringComparison.Ordinal)).ToList();

    private static string? Property(LogEvent e, string name) =>
        ContextFlow.Tests.Support.InMemorySink.StringProperty(e, name);
}
