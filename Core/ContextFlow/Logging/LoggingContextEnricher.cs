using System.Collections.Generic;
using Serilog.Core;
using Serilog.Events;

namespace ContextFlow;

/// <summary>
/// Adds the current <see cref="LoggingContext"/> to every event: <c>ServerName</c>, <c>Request</c> (the context's
/// name) and, when the context has <see cref="RequestInfo"/>, its fields. In the sentinel it adds the sentinel's
/// names only to events that do not already carry them, so properties set by other enrichers survive.
/// </summary>
/// <remarks>
/// Stateless and thread-safe; the properties of a context are built once and reused for every event. Internal, as
/// Serilog keeps its own enrichers: users reach it through <c>.Enrich.FromLoggingContext()</c>.
/// </remarks>
internal sealed class LoggingContextEnricher : ILogEventEnricher
{
    /// <summary>The property holding the server (tenant) name.</summary>
    public const string ServerNameProperty = "ServerName";

    /// <summary>The property holding the context name.</summary>
    public const string RequestProperty = "Request";

    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        var context = LoggingContext.Current;
        var properties = PropertiesOf(context);
        if (context.IsSentinel)
        {
            foreach (var property in properties)
            {
                logEvent.AddPropertyIfAbsent(property);
            }
        }
        else
        {
            foreach (var property in properties)
            {
                logEvent.AddOrUpdateProperty(property);
            }
        }
    }

    private static LogEventProperty[] PropertiesOf(LoggingContext context)
    {
        if (context.EnricherCache is LogEventProperty[] cached)
        {
            return cached;
        }

        var properties = new List<LogEventProperty>(11)
        {
            Property(ServerNameProperty, context.ServerName),
            Property(RequestProperty, context.Name),
        };
        if (context.Request is { } request)
        {
            Add(properties, "RequestId", request.RequestId);
            Add(properties, "IpAddress", request.IpAddress);
            Add(properties, "SiteTag", request.SiteTag);
            Add(properties, "Requester", request.Requester);
            Add(properties, "AuthenticatedEntity", request.AuthenticatedEntity);
            Add(properties, "Method", request.Method);
            Add(properties, "Url", request.Url);
            Add(properties, "Protocol", request.Protocol);
            Add(properties, "UserAgent", request.UserAgent);
        }

        var built = properties.ToArray();
        context.EnricherCache = built;
        return built;
    }

    private static void Add(List<LogEventProperty> properties, string name, string? value)
    {
        if (value is not null)
        {
            properties.Add(Property(name, value));
        }
    }

    private static LogEventProperty Property(string name, string value) => new(name, new ScalarValue(value));
}
