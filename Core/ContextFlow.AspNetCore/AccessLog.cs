using System.Diagnostics;
using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;

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
        "Processed request: {Method:l} {Url:l} {Status:l} {ResponseBytes}B in {ElapsedMs:0.0}ms (sent {SentMs:0.0}ms) " +
        "db {DbTransactions}txn {DbMs:0.0}ms wait {DbWaitMs:0.0}ms rows {RowsFetched} {IpAddress:l} {Requester:l} \"{UserAgent:l}\"";

    public const string TemplateWithCpu =
        "Processed request: {Method:l} {Url:l} {Status:l} {ResponseBytes}B in {ElapsedMs:0.0}ms (sent {SentMs:0.0}ms) cpu {CpuMs:0.0}ms " +
        "db {DbTransactions}txn {DbMs:0.0}ms wait {DbWaitMs:0.0}ms rows {RowsFetched} {IpAddress:l} {Requester:l} \"{UserAgent:l}\"";

    private static readonly string[] s_statuses = CreateStatuses();

    private static Loggers? s_loggers;

    public static void Write(TenantRequest request, int status, bool aborted, long completedAt)
    {
        var logger = Logger();
        if (!logger.IsEnabled(LogEventLevel.Information))
        {
            return;
        }

        var usage = request.Context.GetResourceUsage();
        var info = request.Context.Request!;
        var statusText = aborted ? "!" + status.ToString(CultureInfo.InvariantCulture)
            : status is >= 100 and < 600 ? s_statuses[status - 100] : status.ToString(CultureInfo.InvariantCulture);
        var processed = Milliseconds(request.StartedAt, request.ProcessedAt == 0 ? completedAt : request.ProcessedAt);
        var sent = Milliseconds(request.StartedAt, completedAt);
        var requester = request.Http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : info.Requester ?? "-";
        using (LoggingContext.Preserve(request.Context))
        {
            if (LoggingContext.TrackCpuTime)
            {
                logger.Information(TemplateWithCpu, info.Method, info.Url, statusText, request.BytesSent, processed, sent, usage.CpuTime.TotalMilliseconds,
                    usage.DbTxnCount, usage.DbTxnDuration.TotalMilliseconds, usage.DbSchedDuration.TotalMilliseconds, usage.RowsFetched,
                    info.IpAddress ?? "-", requester, info.UserAgent ?? "-");
            }
            else
            {
                logger.Information(Template, info.Method, info.Url, statusText, request.BytesSent, processed, sent,
                    usage.DbTxnCount, usage.DbTxnDuration.TotalMilliseconds, usage.DbSchedDuration.TotalMilliseconds, usage.RowsFetched,
                    info.IpAddress ?? "-", requester, info.UserAgent ?? "-");
            }
        }
    }

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
