using System.Linq;
using System.Threading.Tasks;
using ContextFlow.Tests.Support;
using Serilog;
using Serilog.Events;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>
/// The base of the web tests: the Core tests' clean-context checks (no context errors, sentinel before and after),
/// with Serilog's static logger enriched from the logging context, so every event of the application carries its
/// server and request.
/// </summary>
public abstract class WebFixture : ContextCleanFixture
{
    [SetUp]
    public void EnrichFromLoggingContext()
    {
        global::Serilog.Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.FromLoggingContext()
            .WriteTo.Sink(Log)
            .CreateLogger();
    }

    /// <summary>The access lines logged so far.</summary>
    protected LogEvent[] AccessLines => [.. Log.Events.Where(e => Property(e, "SourceContext") == AccessLog.SourceContext)];

    /// <summary>The string value of an event's property, or null.</summary>
    protected static string? Property(LogEvent logEvent, string name) => InMemorySink.StringProperty(logEvent, name);

    /// <summary>
    /// Waits for <paramref name="count"/> access lines and returns them: a line is written once its response has been
    /// sent, which the client may see first.
    /// </summary>
    protected async Task<LogEvent[]> AccessLinesAsync(int count = 1)
    {
        for (var i = 0; i < 2000 && AccessLines.Length < count; i++)
        {
            await Task.Delay(5);
        }

        return AccessLines.Length >= count ? AccessLines : throw new AssertionException($"{AccessLines.Length} access lines, not {count}");
    }
}
