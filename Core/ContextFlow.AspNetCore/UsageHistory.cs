using System;

namespace ContextFlow.AspNetCore;

/// <summary>
/// The last samples of one server's cumulative figures (requests, CPU seconds, database seconds), from which the admin
/// API reports rates per interval: requests per second, and CPU and database milliseconds per second.
/// </summary>
/// <remarks>Thread-safe: the server's looping call adds, admin requests read.</remarks>
internal sealed class UsageHistory
{
    private readonly object _gate = new();
    private readonly Sample[] _ring;
    private int _next;
    private int _count;

    public UsageHistory(int samples)
    {
        // One more than the rates reported: each rate is the difference of two samples.
        _ring = new Sample[samples + 1];
    }

    public void Add(long requests, double cpuSeconds, double dbSeconds, double seconds)
    {
        lock (_gate)
        {
            _ring[_next] = new Sample(requests, cpuSeconds, dbSeconds, seconds);
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }
    }

    /// <summary>
    /// The rates over the last <paramref name="intervals"/> intervals (or as many as there are): requests per second and
    /// CPU plus database milliseconds per second. Allocates nothing, so a list of thousands of servers can sort by it.
    /// </summary>
    public (double RequestsPerSecond, double BusyMsPerSecond) Recent(int intervals)
    {
        lock (_gate)
        {
            var span = Math.Min(intervals, _count - 1);
            if (span < 1)
            {
                return (0, 0);
            }

            var b = _ring[(_next - 1 + _ring.Length) % _ring.Length];
            var a = _ring[(_next - 1 - span + (2 * _ring.Length)) % _ring.Length];
            var seconds = b.Seconds - a.Seconds;
            return seconds <= 0
                ? (0, 0)
                : ((b.Requests - a.Requests) / seconds, (Math.Max(0, b.CpuSeconds - a.CpuSeconds) + Math.Max(0, b.DbSeconds - a.DbSeconds)) * 1000 / seconds);
        }
    }

    /// <summary>The rates over each interval, oldest first; empty until two samples have been taken.</summary>
    public Rates Snapshot()
    {
        lock (_gate)
        {
            var intervals = Math.Max(0, _count - 1);
            var requests = new double[intervals];
            var cpu = new double[intervals];
            var db = new double[intervals];
            var first = (_next - _count + _ring.Length) % _ring.Length;
            for (var i = 0; i < intervals; i++)
            {
                var a = _ring[(first + i) % _ring.Length];
                var b = _ring[(first + i + 1) % _ring.Length];
                var seconds = b.Seconds - a.Seconds;
                if (seconds <= 0)
                {
                    continue;
                }

                requests[i] = Math.Round((b.Requests - a.Requests) / seconds, 2);
                cpu[i] = Math.Round(Math.Max(0, b.CpuSeconds - a.CpuSeconds) * 1000 / seconds, 2);
                db[i] = Math.Round(Math.Max(0, b.DbSeconds - a.DbSeconds) * 1000 / seconds, 2);
            }

            return new Rates(requests, cpu, db);
        }
    }

    /// <summary>Rates per interval: requests per second, CPU and database milliseconds per second.</summary>
    internal sealed record Rates(double[] RequestsPerSecond, double[] CpuMsPerSecond, double[] DbMsPerSecond);

    private readonly record struct Sample(long Requests, double CpuSeconds, double DbSeconds, double Seconds);
}
