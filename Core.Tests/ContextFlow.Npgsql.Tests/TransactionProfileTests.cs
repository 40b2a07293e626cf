using System;
using System.Collections.Generic;

namespace ContextFlow.Npgsql.Tests;

public sealed class TransactionProfileTests
{
    [Test]
    public void Describe_OrdersByTimeThenCountThenName_AndCountsOnlyTheInterval()
    {
        var before = Snapshot(0, ("a", 5, 100));
        var after = Snapshot(4_000_000,
            ("a", 6, 1_100_100),      // 1 interaction, 0.1 s in the interval
            ("b", 2, 1_000_000),
            ("c", 1, 1_000_000),
            ("d", 1, 900_000),
            ("idle", 0, 0));

        var report = TransactionProfile.Describe(before, after, TimeSpan.FromSeconds(1), top: 3);

        Assert.Multiple(() =>
        {
            Assert.That(report.Percent, Is.EqualTo(40).Within(1e-9));
            Assert.That(report.Top, Is.EqualTo("a(1): 11.000%, b(2): 10.000%, c(1): 10.000%"));
        });
    }

    [Test]
    public void Describe_OfAnEmptyInterval_IsZeroAndNoDescs()
    {
        var report = TransactionProfile.Describe(default, default, TimeSpan.FromSeconds(10), top: 3);

        Assert.That(report, Is.EqualTo(new TransactionProfile.Report(0, string.Empty)));
    }

    private static TransactionProfile.Snapshot Snapshot(long total, params (string Desc, long Count, long Ticks)[] descs)
    {
        var perDesc = new Dictionary<string, (long Count, long Ticks)>(StringComparer.Ordinal);
        foreach (var (desc, count, ticks) in descs)
        {
            perDesc[desc] = (count, ticks);
        }

        return new TransactionProfile.Snapshot(total, perDesc);
    }
}
