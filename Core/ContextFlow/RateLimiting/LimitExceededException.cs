using System;

namespace ContextFlow.RateLimiting;

/// <summary>
/// Thrown by <see cref="Ratelimiter{TKey}.Ratelimit"/> when an action is denied: the HTTP 429
/// <c>M_LIMIT_EXCEEDED</c> of the reference, carrying when the client may retry.
/// </summary>
/// <remarks>
/// The limiter never sleeps. A request handler that catches this may wait <see cref="Pause"/> on its clock
/// before answering, to slow down clients that retry in a tight loop, then send <see cref="RetryAfterMs"/> in the
/// body (and, rounded up to whole seconds, as the <c>Retry-After</c> header).
/// </remarks>
/// <example>
/// <code>
/// catch (LimitExceededException e)
/// {
///     await clock.SleepAsync(e.Pause);
///     if (e.RetryAfterMs &gt;= 0) response.Headers.RetryAfter = Math.Ceiling(e.RetryAfterMs / 1000d).ToString(CultureInfo.InvariantCulture);
///     return Results.Json(new { errcode = "M_LIMIT_EXCEEDED", retry_after_ms = e.RetryAfterMs }, statusCode: 429);
/// }
/// </code>
/// </example>
public sealed class LimitExceededException : Exception
{
    /// <summary>Creates the exception with a generic message and no retry time.</summary>
    public LimitExceededException()
        : this("Too Many Requests")
    {
    }

    /// <summary>Creates the exception with a message and no retry time.</summary>
    /// <param name="message">The message.</param>
    public LimitExceededException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message, an inner exception and no retry time.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LimitExceededException(string message, Exception? innerException)
        : base(message, innerException)
    {
        LimiterName = string.Empty;
        RetryAfterMs = -1;
    }

    /// <summary>Creates the exception a limiter throws.</summary>
    /// <param name="limiterName">The denying limiter's name.</param>
    /// <param name="retryAfterMs">Milliseconds until the action would be allowed; −1 when it never will (rate 0).</param>
    /// <param name="pause">How long a request handler should wait before answering.</param>
    /// <exception cref="ArgumentNullException"><paramref name="limiterName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfterMs"/> is below −1 or <paramref name="pause"/> is negative.</exception>
    public LimitExceededException(string limiterName, long retryAfterMs, TimeSpan pause)
        : base(retryAfterMs < 0 ? $"Too Many Requests ({limiterName})" : $"Too Many Requests ({limiterName}): retry after {retryAfterMs} ms")
    {
        ArgumentNullException.ThrowIfNull(limiterName);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfterMs, -1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pause, TimeSpan.Zero);
        LimiterName = limiterName;
        RetryAfterMs = retryAfterMs;
        Pause = pause;
    }

    /// <summary>The name of the limiter that denied the action.</summary>
    public string LimiterName { get; }

    /// <summary>Milliseconds until the action would be allowed (the <c>retry_after_ms</c> of the body); −1 when never.</summary>
    public long RetryAfterMs { get; }

    /// <summary>How long a request handler should wait before answering; <see cref="TimeSpan.Zero"/> for no wait.</summary>
    public TimeSpan Pause { get; }
}
