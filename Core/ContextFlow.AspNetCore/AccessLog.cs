using System;
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

    private static readonly ScalarValue s_dash = new("-");
    private static readonly string[] s_statuses = CreateStatuses();

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
        var statusText = aborted ? "!" + status.ToString(CultureInfo.InvariantCulture)
            : status is >= 100 and < 600 ? s_statuses[status - 100] : status.ToString(CultureInfo.InvariantCulture);
        var sent = Milliseconds(request.StartedAt, completedAt);
        var requester = request.Http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : info.Requester;
        var cpu = _usage && LoggingContext.TrackCpuTime;

        var properties = new LogEventProperty[!_usage ? 9 : cpu ? 14 : 13];
        var i = 0;
        properties[i++] = new LogEventProperty("Method", new ScalarValue(info.Method));
        properties[i++] = new LogEventProperty("Url", new ScalarValue(info.Url));
        properties[i++] = new LogEventProperty("Status", new ScalarValue(statusText));
        properties[i++] = new LogEventProperty("ResponseBytes", new ScalarValue(request.Body.BytesSent));
        properties[i++] = new LogEventProperty("ElapsedMs", new ScalarValue(processed));
        properties[i++] = new LogEventProperty("SentMs", new ScalarValue(sent));
        if (_usage)
        {
            var usage = request.Context.GetResourceUsage();
            if (cpu)
            {
                properties[i++] = new LogEventProperty("CpuMs", new ScalarValue(usage.CpuTime.TotalMilliseconds));
            }

            properties[i++] = new LogEventProperty("DbTransactions", new ScalarValue(usage.DbTxnCount));
            properties[i++] = new LogEventProperty("DbMs", new ScalarValue(usage.DbTxnDuration.TotalMilliseconds));
            properties[i++] = new LogEventProperty("DbWaitMs", new ScalarValue(usage.DbSchedDuration.TotalMilliseconds));
            properties[i++] = new LogEventProperty("RowsFetched", new ScalarValue(usage.RowsFetched));
        }

        properties[i++] = new LogEventProperty("IpAddress", OrDash(info.IpAddress));
        properties[i++] = new LogEventProperty("Requester", OrDash(requester));
        properties[i] = new LogEventProperty("UserAgent", OrDash(info.UserAgent));

        var template = !_usage ? s_templateWithoutUsage : cpu ? s_templateWithCpu : s_template;
        var activity = Activity.Current;
        var logEvent = new LogEvent(DateTimeOffset.Now, level, request.Failure, template, properties, activity?.TraceId ?? default, activity?.SpanId ?? default);
        using (LoggingContext.Preserve(request.Context))
        {
            logger.Write(logEvent);
        }
    }

    private static ScalarValue OrDash(string? value) => value is null ? s_dash : new ScalarValue(value);

    private static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static string[] CreateStatuses()
    {
        var statuses = new string[500];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = (i + 100).ToString(CultureInfo.InvariantCulture);
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
