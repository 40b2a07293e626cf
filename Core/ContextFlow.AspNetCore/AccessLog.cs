using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The one line per request, as the reference's "Processed request" line: written in the request's own context once
/// the response has been sent, with the status (<c>!</c> before it when the client went away first), the body bytes,
/// the time to process and the time until the response was sent, and the request's own usage: CPU (when
/// <see cref="LoggingContext.TrackCpuTime"/> is on), database transactions, their time, the connection wait and rows.
/// </summary>
/// <remarks>
/// The usage is the request context's, which includes every child context (nested work, thread-pool work deferred
/// from the request) and nothing of background processes it started. Source context <see cref="SourceContext"/>; the
/// level, and whether the usage is in the line, come from <see cref="AccessLogOptions"/>. One per application,
/// thread-safe.
/// </remarks>
internal sealed class AccessLog(AccessLogOptions options)
{
    public const string SourceContext = "ContextFlow.AspNetCore.AccessLog";

    private const string Start = "Processed request: {Method:l} {Url:l} {Status:l} {ResponseBytes}B in {ElapsedMs:F1}ms (sent {SentMs:F1}ms) ";
    private const string Client = "{IpAddress:l} {Requester:l} \"{UserAgent:l}\"";
    private const string Database = "db {DbTransactions}txn {DbMs:F1}ms wait {DbWaitMs:F1}ms rows {RowsFetched} ";

    public const string Template = Start + Database + Client;
    public const string TemplateWithCpu = Start + "cpu {CpuMs:F1}ms " + Database + Client;
    public const string TemplateWithoutUsage = Start + Client;

    // Parsed once. The line is one per request, so its event is built here from the values as they are, rather than
    // by binding an object[] of boxed arguments to the template on every request, which cost a tenth of the line.
    private static readonly MessageTemplate s_template = new MessageTemplateParser().Parse(Template);
    private static readonly MessageTemplate s_templateWithCpu = new MessageTemplateParser().Parse(TemplateWithCpu);
    private static readonly MessageTemplate s_templateWithoutUsage = new MessageTemplateParser().Parse(TemplateWithoutUsage);

    // Room in an access line's properties for the enrichers' (see Write).
    private const int EnricherRoom = 10;
    private const int SmallCounts = 64;

    private static readonly ScalarValue s_dash = new("-");
    private static readonly ScalarValue[] s_statuses = CreateStatuses();
    private static readonly ScalarValue[] s_counts = CreateCounts();
    private static readonly MillisecondsValue s_noTime = new(0);
    private static readonly ScalarValue s_get = new("GET");
    private static readonly ScalarValue s_post = new("POST");
    private static readonly ScalarValue s_put = new("PUT");
    private static readonly ScalarValue s_delete = new("DELETE");
    private static readonly ScalarValue s_head = new("HEAD");
    private static readonly ScalarValue s_patch = new("PATCH");
    private static readonly ScalarValue s_options = new("OPTIONS");

    private readonly bool _enabled = options.Enabled;
    private readonly bool _usage = options.IncludeUsage;
    private readonly Func<Microsoft.AspNetCore.Http.HttpContext, double, Exception?, LogEventLevel> _getLevel = options.GetLevel;
    private Loggers? _loggers;

    public void Write(TenantRequest request, int status, bool aborted, long completedAt)
    {
        if (!_enabled)
        {
            return;
        }

        var processed = Milliseconds(request.StartedAt, request.ProcessedAt == 0 ? completedAt : request.ProcessedAt);
        var level = _getLevel(request.Http, processed, request.Failure);
        var logger = Logger();
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var info = request.Context.Request!;
        var sent = Milliseconds(request.StartedAt, completedAt);
        var requester = request.Http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : info.Requester;
        var cpu = _usage && LoggingContext.TrackCpuTime;

        // The event's own dictionary, sized for its values and for what the enrichers add (the request context's up to
        // eleven, the source context, a few of the application's), so neither building the event nor enriching it
        // grows it, and no LogEventProperty is made only to be copied into it.
        var properties = new Dictionary<string, LogEventPropertyValue>((_usage ? 14 : 9) + EnricherRoom)
        {
            ["Method"] = MethodValue(info.Method),
            ["Url"] = new ScalarValue(info.Url),
            ["Status"] = aborted ? new ScalarValue("!" + status.ToString(CultureInfo.InvariantCulture))
                : status is >= 100 and < 600 ? s_statuses[status - 100] : new ScalarValue(status.ToString(CultureInfo.InvariantCulture)),
            ["ResponseBytes"] = new ScalarValue(request.Body.BytesSent),
            ["ElapsedMs"] = new MillisecondsValue(processed),
            ["SentMs"] = new MillisecondsValue(sent),
            ["IpAddress"] = OrDash(info.IpAddress),
            ["Requester"] = OrDash(requester),
            ["UserAgent"] = OrDash(info.UserAgent),
        };
        if (_usage)
        {
            var usage = request.Context.GetResourceUsage();
            if (cpu)
            {
                properties["CpuMs"] = new MillisecondsValue(usage.CpuTime.TotalMilliseconds);
            }

            properties["DbTransactions"] = Count(usage.DbTxnCount);
            properties["DbMs"] = usage.DbTxnDuration == TimeSpan.Zero ? s_noTime : new MillisecondsValue(usage.DbTxnDuration.TotalMilliseconds);
            properties["DbWaitMs"] = usage.DbSchedDuration == TimeSpan.Zero ? s_noTime : new MillisecondsValue(usage.DbSchedDuration.TotalMilliseconds);
            properties["RowsFetched"] = Count(usage.RowsFetched);
        }

        var template = !_usage ? s_templateWithoutUsage : cpu ? s_templateWithCpu : s_template;
        var activity = Activity.Current;

        // Serilog's way for a caller that builds the event's dictionary itself; its parameters follow Serilog's major
        // version, which Directory.Packages.props pins.
        var logEvent = LogEvent.UnstableAssembleFromParts(
            DateTimeOffset.Now, level, request.Failure, template, properties, activity?.TraceId ?? default, activity?.SpanId ?? default);
        using (LoggingContext.Preserve(request.Context))
        {
            logger.Write(logEvent);
        }
    }

    /// <summary>The value of a standard method, made once; Kestrel hands out its own interned strings for them.</summary>
    private static ScalarValue MethodValue(string? method) => method switch
    {
        "GET" => s_get,
        "POST" => s_post,
        "PUT" => s_put,
        "DELETE" => s_delete,
        "HEAD" => s_head,
        "PATCH" => s_patch,
        "OPTIONS" => s_options,
        _ => new ScalarValue(method),
    };

    /// <summary>A count; the small ones, as most requests' database figures are, made once.</summary>
    private static ScalarValue Count(long count) => count is >= 0 and < SmallCounts ? s_counts[count] : new ScalarValue(count);

    private static ScalarValue OrDash(string? value) => value is null ? s_dash : new ScalarValue(value);

    private static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static ScalarValue[] CreateCounts()
    {
        var counts = new ScalarValue[SmallCounts];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = new ScalarValue((long)i);
        }

        return counts;
    }

    private static ScalarValue[] CreateStatuses()
    {
        var statuses = new ScalarValue[500];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = new ScalarValue((i + 100).ToString(CultureInfo.InvariantCulture));
        }

        return statuses;
    }

    // The static logger can be replaced at any time (tests do); the contextual logger follows it.
    private ILogger Logger()
    {
        var root = Log.Logger;
        var loggers = _loggers;
        if (loggers is null || !ReferenceEquals(loggers.Root, root))
        {
            loggers = new Loggers(root, root.ForContext(Constants.SourceContextPropertyName, SourceContext));
            _loggers = loggers;
        }

        return loggers.Access;
    }

    private sealed record Loggers(ILogger Root, ILogger Access);
}
