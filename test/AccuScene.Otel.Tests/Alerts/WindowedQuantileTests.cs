using AccuScene.Otel.Alerts;

namespace AccuScene.Otel.Tests.Alerts;

public class WindowedQuantileTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void FromBuckets_InterpolatesInsideTheBucket_OverTheWindowOnly()
    {
        double[] bounds = [1, 2, 4];
        var quantile = new WindowedQuantile(TimeSpan.FromSeconds(10), fromStart: true);

        // Since start: 100 measurements at or under 1.
        Assert.That(quantile.FromBuckets(Start, bounds, [100, 0, 0, 0], 0.5), Is.EqualTo(0.5));

        // 10 s later, 100 more, all in (2, 4]: the window sees only those.
        var p50 = quantile.FromBuckets(Start.AddSeconds(10), bounds, [100, 0, 100, 0], 0.5);
        Assert.That(p50, Is.EqualTo(3), "half way through (2, 4]");

        // And 10 more in +Inf: a quantile there is the highest finite bound, as histogram_quantile gives.
        Assert.That(quantile.FromBuckets(Start.AddSeconds(20), bounds, [100, 0, 100, 10], 0.99), Is.EqualTo(4));
        Assert.That(quantile.FromBuckets(Start.AddSeconds(30), bounds, [100, 0, 100, 10], 0.99), Is.Null, "nothing new in the window");
    }

    [Test]
    public void ASeriesGoneFromTheBuckets_RestartsTheWindow_InsteadOfLeavingOnlyTheOthersSlowOnes()
    {
        // Two meters export the name. In the window, a scoped one records 10,000 fast requests and is disposed, and the
        // other one 5 slow ones: the window's p50 is fast, but the buckets no longer hold the fast ones.
        double[] bounds = [0.1, 1, 10];
        var quantile = new WindowedQuantile(TimeSpan.FromSeconds(60), fromStart: true);
        quantile.FromBuckets(Start, bounds, [0, 0, 100, 0], 0.5);
        quantile.FromBuckets(Start.AddSeconds(1), bounds, [10_000, 0, 100, 0], 0.5);

        var afterDisposal = quantile.FromBuckets(Start.AddSeconds(2), bounds, [0, 0, 105, 0], 0.5);
        var next = quantile.FromBuckets(Start.AddSeconds(3), bounds, [0, 0, 106, 0], 0.5);

        // Against the start's state, [0, 0, 105 - 100, 0] read as a window of 5 slow requests only: a p50 of 5.5 s.
        Assert.That((afterDisposal, next), Is.EqualTo(((double?)null, (double?)5.5)));
    }

    [Test]
    public void ARuleAddedLater_HasNoValueUntilItHasABaseline_ThenReadsOnlyWhatCameAfter()
    {
        // The process recorded 1,000 slow measurements before the rule existed: a window must not see them.
        double[] bounds = [1, 2, 4];
        var quantile = new WindowedQuantile(TimeSpan.FromSeconds(10), fromStart: false);

        Assert.That(quantile.FromBuckets(Start, bounds, [0, 0, 0, 1000], 0.5), Is.Null, "the first export is the baseline");
        Assert.That(quantile.FromBuckets(Start.AddSeconds(1), bounds, [10, 0, 0, 1000], 0.5), Is.EqualTo(0.5), "only the 10 fast ones since");
    }

    [Test]
    public void AfterTheBucketLayoutChanges_ARuleOfTheStart_WaitsForABaseline_InsteadOfReadingTheLifetime()
    {
        var quantile = new WindowedQuantile(TimeSpan.FromSeconds(10), fromStart: true);
        Assert.That(quantile.FromBuckets(Start, [1, 2, 4], [10, 0, 0, 0], 0.5), Is.EqualTo(0.5), "the first read takes the whole state");

        // Another layout: its counts are the lifetime's (1,000 slow ones long ago), not the window's.
        Assert.That(quantile.FromBuckets(Start.AddSeconds(1), [1, 2], [0, 0, 1000], 0.5), Is.Null);
        Assert.That(quantile.FromBuckets(Start.AddSeconds(2), [1, 2], [10, 0, 1000], 0.5), Is.EqualTo(0.5), "then only what came after");
    }
}
