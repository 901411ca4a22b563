using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Tests.Metrics;

/// <summary>Property tests of the sketch's guarantee: every quantile within α of the exact order statistic.</summary>
public class RelativeErrorSketchTests
{
    private static readonly double[] Quantiles = [0.001, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0];

    public static IEnumerable<TestCaseData> Distributions()
    {
        yield return new TestCaseData("lognormal(-3, 1)", (Func<Random, double>)(r => Math.Exp(-3 + Normal(r))));
        yield return new TestCaseData("lognormal(0, 2.5)", (Func<Random, double>)(r => Math.Exp(2.5 * Normal(r))));
        yield return new TestCaseData("uniform(0.001, 5)", (Func<Random, double>)(r => 0.001 + (r.NextDouble() * 5)));
        yield return new TestCaseData("exponential(50)", (Func<Random, double>)(r => -Math.Log(1 - r.NextDouble()) / 50));
        yield return new TestCaseData("pareto(1.2)", (Func<Random, double>)(r => 0.01 / Math.Pow(1 - r.NextDouble(), 1 / 1.2)));
        yield return new TestCaseData("bimodal frame times", (Func<Random, double>)(r => r.NextDouble() < 0.9 ? 0.016 + (0.001 * Normal(r)) : 0.25 + (0.05 * r.NextDouble())));
        yield return new TestCaseData("with zeros", (Func<Random, double>)(r => r.NextDouble() < 0.2 ? 0 : r.NextDouble()));
        yield return new TestCaseData("normal(0, 1000), half negative", (Func<Random, double>)(r => 1000 * Normal(r)));
        yield return new TestCaseData("negatives, zeros and positives", (Func<Random, double>)(r => r.NextDouble() < 0.1 ? 0 : (r.NextDouble() < 0.5 ? -1 : 1) * Math.Exp(3 * Normal(r))));
    }

    [TestCaseSource(nameof(Distributions))]
    public void EveryQuantile_IsWithinTheRelativeErrorBound(string name, Func<Random, double> sample)
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var random = new Random(seed);
            var sketch = new RelativeErrorSketch(0.01);
            var values = new double[20_000 * seed];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = sample(random);
                sketch.Add(values[i]);
            }

            Array.Sort(values);
            foreach (var q in Quantiles)
            {
                var exact = NearestRank(values, q);
                var estimate = sketch.Quantile(q);
                Assert.That(Math.Abs(estimate - exact), Is.LessThanOrEqualTo((0.01 * Math.Abs(exact)) + 1e-12), $"{name}, seed {seed}, q={q}: exact {exact}, estimate {estimate}");
            }
        }
    }

    [Test]
    public void Merge_GivesTheSameQuantilesAsOneSketchOfEverything()
    {
        var random = new Random(42);
        var all = new RelativeErrorSketch();
        var left = new RelativeErrorSketch();
        var right = new RelativeErrorSketch();
        for (var i = 0; i < 50_000; i++)
        {
            var value = Math.Exp(Normal(random));
            all.Add(value);
            (i % 3 == 0 ? left : right).Add(value);
        }

        left.Merge(right);

        foreach (var q in Quantiles)
        {
            Assert.That(left.Quantile(q), Is.EqualTo(all.Quantile(q)), $"q={q}");
        }

        Assert.That(left.Count, Is.EqualTo(all.Count));
    }

    [Test]
    public void RangeWiderThanTheMemoryBound_FoldsOnlyTheLowestValues()
    {
        var sketch = new RelativeErrorSketch(0.01);
        var values = new List<double>();
        for (var exponent = -12; exponent <= 12; exponent++)
        {
            for (var i = 1; i <= 100; i++)
            {
                var value = Math.Pow(10, exponent) * (1 + (i / 100.0));
                values.Add(value);
                sketch.Add(value);
            }
        }

        values.Sort();
        Assert.That(sketch.Collapsed, Is.GreaterThan(0), "24 decades do not fit in 1024 buckets");
        // 1024 buckets at 1% hold about 8.8 decades: the top ones (here from about 1e4) stay within 1%.
        foreach (var q in new[] { 0.7, 0.9, 0.99, 1.0 })
        {
            var exact = NearestRank([.. values], q);
            Assert.That(Math.Abs(sketch.Quantile(q) - exact), Is.LessThanOrEqualTo(0.01 * exact), $"q={q}");
        }
    }

    [Test]
    public void ASeriesOfBothSignsOverTheWidestRange_StaysWithin8000Bytes_AndTheNegativeTopKeepsTheBound()
    {
        var negatives = new List<double>();
        for (var exponent = -12; exponent <= 12; exponent++)
        {
            for (var i = 1; i <= 100; i++)
            {
                negatives.Add(-Math.Pow(10, exponent) * (1 + (i / 100.0)));
            }
        }

        _ = new RelativeErrorSketch(0.01); // the shared bucket table of this accuracy, built once per process
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sketch = new RelativeErrorSketch(0.01);
        foreach (var value in negatives)
        {
            sketch.Add(-value);
            sketch.Add(value);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThanOrEqualTo(8_000), "both signs' counters and the sketch itself");

        // 896 negative buckets at 1% hold about 7.7 decades: the most negative values (down to about -1e5) keep 1%.
        var negative = new RelativeErrorSketch(0.01);
        negatives.ForEach(negative.Add);
        negatives.Sort();
        Assert.That(negative.Collapsed, Is.GreaterThan(0), "24 decades do not fit in 896 buckets");
        foreach (var q in new[] { 0.0, 0.01, 0.1, 0.3 })
        {
            var exact = NearestRank([.. negatives], q);
            Assert.That(Math.Abs(negative.Quantile(q) - exact), Is.LessThanOrEqualTo(0.01 * Math.Abs(exact)), $"q={q}");
        }
    }

    [Test]
    public void AValueBelowTheKeptRange_FoldsIntoItsLowestBucket_SoValuesAddedLaterInBetweenStayAboveIt()
    {
        // A value twelve decades below the first one used to fold into the lowest bucket in use (the first value's),
        // and a value added later between them then sat below the folded one.
        var sketch = new RelativeErrorSketch(0.01);
        foreach (var value in new[] { 1.0, 1e-12, 1e-3, 1e-3 })
        {
            sketch.Add(value);
        }

        Assert.That(sketch.Quantile(0.75), Is.EqualTo(1e-3).Within(1).Percent);
        Assert.That(sketch.Quantile(1.0), Is.EqualTo(1.0).Within(1).Percent);
    }

    [Test]
    public void MergingSketchesOverAWideRange_GivesTheSameQuantilesInEitherOrder()
    {
        RelativeErrorSketch High() { var s = new RelativeErrorSketch(0.01); s.Add(1.0); return s; }
        RelativeErrorSketch Low() { var s = new RelativeErrorSketch(0.01); s.Add(1e-12); s.Add(1e-3); s.Add(1e-3); return s; }

        var highFirst = High();
        highFirst.Merge(Low());
        var lowFirst = Low();
        lowFirst.Merge(High());

        Assert.That(highFirst.Quantile(0.75), Is.EqualTo(lowFirst.Quantile(0.75)));
        Assert.That(highFirst.Quantile(0.75), Is.EqualTo(1e-3).Within(1).Percent);
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void NonFiniteValue_IsCountedNotThrownOrStored(double value)
    {
        var sketch = new RelativeErrorSketch();
        sketch.Add(1);

        Assert.DoesNotThrow(() => sketch.Add(value));

        Assert.That(sketch.NonFinite, Is.EqualTo(1));
        Assert.That(sketch.Count, Is.EqualTo(1));
        Assert.That(sketch.Summarize([1.0]).Max, Is.EqualTo(1.0));
    }

    [Test]
    public void NegativeValuesAndZeros_AreKept_WithExactCountMinMaxAndMean()
    {
        // The case the old sketch got wrong: uniform on [-1000, 1000) gave min 0.023 and half the count.
        var random = new Random(7);
        var sketch = new RelativeErrorSketch();
        var values = new double[100_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i % 1000 == 0 ? 0 : (random.NextDouble() * 2000) - 1000;
            sketch.Add(values[i]);
        }

        var summary = sketch.Summarize([0.01, 0.25, 0.5, 0.75, 0.99]);
        Assert.Multiple(() =>
        {
            Assert.That(summary.Count, Is.EqualTo(values.Length));
            Assert.That(summary.Min, Is.EqualTo(values.Min()));
            Assert.That(summary.Max, Is.EqualTo(values.Max()));
            Assert.That(summary.Mean, Is.EqualTo(values.Average()).Within(1e-9));
            var q = new[] { 0.01, 0.25, 0.5, 0.75, 0.99 };
            for (var i = 0; i < q.Length; i++)
            {
                var exact = NearestRank(values, q[i]);
                Assert.That(summary.Quantiles[i], Is.EqualTo(exact).Within(0.01 * Math.Abs(exact) + 1e-12), $"q={q[i]}");
            }
        });
    }

    [Test]
    public void OneRankDefinition_TheSmallestValueWithAtLeastQOfThemAtOrBelowIt()
    {
        var sketch = new RelativeErrorSketch();
        for (var i = 1; i <= 100; i++)
        {
            sketch.Add(i);
        }

        // Nearest rank: p95 of 1..100 is the 95th value, p50 the 50th, p0 the minimum, p100 the maximum.
        Assert.Multiple(() =>
        {
            Assert.That(sketch.Quantile(0.95), Is.EqualTo(95).Within(1).Percent);
            Assert.That(sketch.Quantile(0.5), Is.EqualTo(50).Within(1).Percent);
            Assert.That(sketch.Quantile(0), Is.EqualTo(1));
            Assert.That(sketch.Quantile(1), Is.EqualTo(100));
            Assert.That(sketch.Quantile(0.951), Is.EqualTo(96).Within(1).Percent);
        });
    }

    [Test]
    public void AWindow_ReadsItsOwnMinimumAndMaximum_NotTheWholeSketchs()
    {
        // p0/p100 of a whole sketch are its exact min and max; of a window (the difference of two copies, as alert
        // rules and the dashboard take them), the window's own lowest and highest values.
        var sketch = new RelativeErrorSketch();
        sketch.Add(1000); // a spike, long ago
        sketch.Add(0.001);
        var before = sketch.Capture();
        foreach (var value in new[] { 2.0, 3.0, 4.0 })
        {
            sketch.Add(value);
        }

        var window = sketch.Capture().Minus(before);
        Assert.Multiple(() =>
        {
            Assert.That(window.Count, Is.EqualTo(3));
            Assert.That(window.Quantile(1), Is.EqualTo(4).Within(1).Percent, "not the spike before the window");
            Assert.That(window.Quantile(0), Is.EqualTo(2).Within(1).Percent);
            Assert.That(sketch.Quantile(1), Is.EqualTo(1000), "the whole sketch's maximum is exact");
        });
    }

    [Test]
    public void AWindow_AcrossAFoldOfTheLowestBuckets_CountsOnlyItsNewValues()
    {
        var sketch = new RelativeErrorSketch();
        for (var i = 0; i < 100; i++)
        {
            sketch.Add(1e-6 * (1 + (i / 100.0))); // around 1 µs
        }

        var before = sketch.Capture();
        for (var i = 0; i < 10; i++)
        {
            sketch.Add(1e6); // twelve decades up: the lowest buckets are folded into a higher one
        }

        var window = sketch.Capture().Minus(before);
        Assert.Multiple(() =>
        {
            Assert.That(sketch.Collapsed, Is.GreaterThan(0), "the range outgrew the buckets");
            Assert.That(window.Count, Is.EqualTo(10), "the 100 older values folded into the lowest bucket are not new");
            Assert.That(window.Quantile(0.5), Is.EqualTo(1e6).Within(1).Percent);
        });
    }

    [Test]
    public void ABucketPastTwoToThe31_KeepsCounting_AndSoDoItsPercentilesAndWindows()
    {
        // 1,000 values of 1 and 3,000 of 2, doubled 22 times by merging the sketch into itself: 4.2 and 12.6 billion,
        // more than a 32-bit counter holds. Counters that stopped at 2^31 - 1 would make both buckets equal.
        var sketch = new RelativeErrorSketch();
        for (var i = 0; i < 1000; i++)
        {
            sketch.Add(1);
            sketch.Add(2);
            sketch.Add(2);
            sketch.Add(2);
        }

        for (var i = 0; i < 22; i++)
        {
            sketch.Merge(sketch);
        }

        var before = sketch.Capture();
        for (var i = 0; i < 10; i++)
        {
            sketch.Add(1);
        }

        var window = sketch.Capture().Minus(before);
        Assert.Multiple(() =>
        {
            Assert.That(before.Count, Is.EqualTo(4000L << 22));
            Assert.That(before.Positive.Sum(), Is.EqualTo(4000L << 22), "every value is in a bucket");
            Assert.That(before.Quantile(0.2), Is.EqualTo(1).Within(1).Percent, "a quarter of the values are 1");
            Assert.That(before.Quantile(0.3), Is.EqualTo(2).Within(1).Percent);
            Assert.That(window.Count, Is.EqualTo(10), "values added to the full bucket are still counted");
            Assert.That(window.Quantile(0.5), Is.EqualTo(1).Within(1).Percent);
        });
    }

    [Test]
    public void TheStore_StaysAt32BitCounters_UntilOneWouldOverflow()
    {
        var store = new SketchStore();
        store.Increment(100, int.MaxValue - 1);
        store.Increment(90, 5); // shifts the buckets up while still 32-bit
        var narrow = store.IsWide;
        store.Increment(100, 2);
        store.Increment(90, 1);
        var (counts, offset) = store.Copy();
        Assert.Multiple(() =>
        {
            Assert.That(narrow, Is.False, "4 KiB until a counter passes int.MaxValue");
            Assert.That(store.IsWide, Is.True);
            Assert.That(offset, Is.EqualTo(90));
            Assert.That(counts[0], Is.EqualTo(6));
            Assert.That(counts[10], Is.EqualTo((long)int.MaxValue + 1));
        });
    }

    [TestCase(0.0001)]
    [TestCase(0.001)]
    [TestCase(0.05)]
    [TestCase(0.1)]
    public void EveryAccuracyInRange_KeepsItsBound(double accuracy)
    {
        var random = new Random(3);
        var sketch = new RelativeErrorSketch(accuracy);
        var values = new double[20_000];
        for (var i = 0; i < values.Length; i++)
        {
            // Within what 1024 buckets span at the finest accuracy (a ratio of about 1.2).
            values[i] = 100 * (1 + (0.2 * random.NextDouble()));
            sketch.Add(values[i]);
        }

        foreach (var q in Quantiles)
        {
            var exact = NearestRank(values, q);
            Assert.That(sketch.Quantile(q), Is.EqualTo(exact).Within(accuracy * exact), $"q={q}");
        }
    }

    [Test]
    public void Summary_HasExactCountSumMinMaxAndMean()
    {
        var sketch = new RelativeErrorSketch();
        foreach (var value in new[] { 0.5, 1.5, 2.0, 4.0 })
        {
            sketch.Add(value);
        }

        var summary = sketch.Summarize([0.5]);

        Assert.Multiple(() =>
        {
            Assert.That(summary.Count, Is.EqualTo(4));
            Assert.That(summary.Sum, Is.EqualTo(8.0));
            Assert.That(summary.Min, Is.EqualTo(0.5));
            Assert.That(summary.Max, Is.EqualTo(4.0));
            Assert.That(summary.Mean, Is.EqualTo(2.0));
            Assert.That(summary.Quantiles[0], Is.EqualTo(1.5).Within(1).Percent);
        });
    }

    [Test]
    public void EmptySketch_ReportsNaN()
    {
        var summary = new RelativeErrorSketch().Summarize([0.5]);

        Assert.That(summary.Count, Is.Zero);
        Assert.That(double.IsNaN(summary.Quantiles[0]), Is.True);
        Assert.That(double.IsNaN(summary.Min), Is.True);
    }

    [Test]
    public void EightThreads_LoseNoValue()
    {
        var sketch = new RelativeErrorSketch();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (var i = 1; i <= 100_000; i++)
            {
                sketch.Add(i * 0.001);
            }
        });

        Assert.That(sketch.Count, Is.EqualTo(800_000));
        Assert.That(sketch.Quantile(1.0), Is.EqualTo(100.0).Within(1).Percent);
    }

    [TestCase(0.0)]
    [TestCase(0.00009)]
    [TestCase(0.5)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void InvalidAccuracy_IsRejectedAtConstruction(double accuracy)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RelativeErrorSketch(accuracy));
    }

    // The nearest-rank order statistic, the definition the sketch documents.
    private static double NearestRank(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        var rank = Math.Max((int)Math.Ceiling((q * sorted.Length) - 1e-9), 1);
        return sorted[rank - 1];
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
