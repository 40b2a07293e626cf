using System;

namespace ContextFlow.Time;

/// <summary>
/// Reads a provider's time from the sentinel. FakeTimeProvider runs every due timer on the thread that reads its time
/// (<c>GetUtcNow</c>, and <c>GetTimestamp</c> through it); read from inside a context, that would run other servers'
/// callbacks in that context, and they would report it as a leak. The system's provider never does, so it is read
/// directly, and so is any provider read from the sentinel already.
/// </summary>
internal static class ProviderTime
{
    public static long GetTimestamp(TimeProvider provider) =>
        ReferenceEquals(provider, TimeProvider.System) || LoggingContext.CurrentOrNull is null
            ? provider.GetTimestamp()
            : FromSentinel(provider, static p => p.GetTimestamp());

    public static DateTimeOffset GetUtcNow(TimeProvider provider) =>
        ReferenceEquals(provider, TimeProvider.System) || LoggingContext.CurrentOrNull is null
            ? provider.GetUtcNow()
            : FromSentinel(provider, static p => p.GetUtcNow());

    public static TimeSpan GetElapsedTime(TimeProvider provider, long startingTimestamp) =>
        provider.GetElapsedTime(startingTimestamp, GetTimestamp(provider));

    private static T FromSentinel<T>(TimeProvider provider, Func<TimeProvider, T> read)
    {
        var reading = new Reading<T>(provider, read);
        FreshContext.Run(static s => ((Reading<T>)s!).Run(), reading);
        return reading.Value!;
    }

    private sealed class Reading<T>(TimeProvider provider, Func<TimeProvider, T> read)
    {
        public T? Value { get; private set; }

        public void Run() => Value = read(provider);
    }
}
