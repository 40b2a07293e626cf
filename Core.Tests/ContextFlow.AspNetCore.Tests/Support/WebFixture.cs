using ContextFlow.Tests.Support;
using Serilog;

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

    /// <summary>The string value of an event's property, or null.</summary>
    protected static string? Property(global::Serilog.Events.LogEvent logEvent, string name) => InMemorySink.StringProperty(logEvent, name);
}
