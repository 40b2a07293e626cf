using System;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
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
/// from the request) and nothing of background processes it started. Source context
/// <see cref="SourceContext"/>, level Information.
/// </remarks>
internal static class AccessLog
{
    public const string SourceContext = "ContextFlow.AspNetCore.AccessLog";

    public const string Template =
        "Processed request: {Method:l} {Url:l} {Status:l} {ResponseBytes}B in {ElapsedMs:F1}ms (sent {SentMs:F1}ms) " +
        "db {DbTransactions}txn {DbMs:F1}ms wait {DbWaitMs:F1}ms rows {RowsFetched} {IpAddress:l} {Requester:l} \"{UserAgent:l}\"";

    public const string TemplateWithCpu =
        "Processed request: {Method:l} {Url:l} {Status:l} {ResponseBytes}B in {ElapsedMs:F1}ms (sent {SentMs:F1}ms) cpu {CpuMs:F1}ms " +
        "db {DbTransactions}txn {DbMs:F1}ms wait {DbWaitMs:F1}ms rows {RowsFetched} {IpAddress:l} {Requester:l} \"{UserAgent:l}\"";

    // Parsed once. The line is one per request, so its event is built here from the values as they are, rather than
    // by binding an object[] of boxed arguments to the template on every request, which cost a tenth of the line.
    private static readonly MessageTemplate s_template = new MessageTemplateParser().Parse(Template);
    private static readonly MessageTemplate s_templateWithCpu = new MessageTemplateParser().Parse(TemplateWithCpu);

    private static readonly ScalarValue s_dash = new("-");
    private static readonly string[] s_statuses = CreateStatuses();

    private static Loggers? s_loggers;

    public static void Write(TenantRequest request, int status, bool aborted, long completedAt)
    {
        var logger = Logger();
        var level = request.Failure is not null || status is >= 500 and not StatusCodes.Status503ServiceUnavailable ? LogEventLevel.Error
            : status == StatusCodes.Status503ServiceUnavailable ? LogEventLevel.Warning
            : LogEventLevel.Information;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var usage = request.Context.GetResourceUsage();
        var info = request.Context.Request!;
        var statusText = aborted ? "!" + status.ToString(CultureInfo.InvariantCulture)
            : status is >= 100 and < 600 ? s_statuses[status - 100] : status.ToString(CultureInfo.InvariantCulture);
        var processed = Milliseconds(request.StartedAt, request.ProcessedAt == 0 ? completedAt : request.ProcessedAt);
        var sent = Milliseconds(request.StartedAt, completedAt);
        var requester = request.Http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : info.Requester;
        var cpu = LoggingContext.TrackCpuTime;

        var properties = new LogEventProperty[cpu ? 14 : 13];
        var i = 0;
        properties[i++] = new LogEventProperty("Method", new ScalarValue(info.Method));
        properties[i++] = new LogEventProperty("Url", new ScalarValue(info.Url));
        properties[i++] = new LogEventProperty("Status", new ScalarValue(statusText));
        properties[i++] = new LogEventProperty("ResponseBytes", new ScalarValue(request.Body.BytesSent));
        properties[i++] = new LogEventProperty("ElapsedMs", new ScalarValue(processed));
        properties[i++] = new LogEventProperty("SentMs", new ScalarValue(sent));
        if (cpu)
        {
            properties[i++] = new LogEventProperty("CpuMs", new ScalarValue(usage.CpuTime.TotalMilliseconds));
        }

        properties[i++] = new LogEventProperty("DbTransactions", new ScalarValue(usage.DbTxnCount));
        properties[i++] = new LogEventProperty("DbMs", new ScalarValue(usage.DbTxnDuration.TotalMilliseconds));
        properties[i++] = new LogEventProperty("DbWaitMs", new ScalarValue(usage.DbSchedDuration.TotalMilliseconds));
        properties[i++] = new LogEventProperty("RowsFetched", new ScalarValue(usage.RowsFetched));
        properties[i++] = new LogEventProperty("IpAddress", OrDash(info.IpAddress));
        properties[i++] = new LogEventProperty("Requester", OrDash(requester));
        properties[i] = new LogEventProperty("UserAgent", OrDash(info.UserAgent));

        var activity = Activity.Current;
        var logEvent = new LogEvent(DateTimeOffset.Now, level, request.Failure, cpu ? s_templateWithCpu : s_template, properties,
            activity?.TraceId ?? default, activity?.SpanId ?? default);
        using (LoggingContext.Preserve(request.Context))
        {
            logger.Write(logEvent);
        }
    }

    private static ScalarValue OrDash(string? value) => value is null ? s_dash : new ScalarValue(value);

    private static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    // The static logger can be replaced at any time (tests do); the contextual logger follows it.
    private static ILogger Logger()
    {
        var root = Log.Logger;
        var loggers = s_loggers;
        if (loggers is null || !ReferenceEquals(loggers.Root, root))
        {
            loggers = new Loggers(root, root.ForContext(Constants.SourceContextPropertyName, SourceContext));
            s_loggers = loggers;
        }

        return loggers.Access;
    }

    private static string[] CreateStatuses()
    {
        var statuses = new string[500];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = (i + 100).ToString(CultureInfo.InvariantCulture);
        }

        return statuses;
    }

    private sealed record Loggers(ILogger Root, ILogger Access);
}
