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
                values[i] = Math.Max(0, sample(random));
                sketch.Add(values[i]);
            }

            Array.Sort(values);
            foreach (var q in Quantiles)
            {
                var exact = values[(int)Math.Floor(q * (values.Length - 1))];
                var estimate = sketch.Quantile(q);
                Assert.That(Math.Abs(estimate - exact), Is.LessThanOrEqualTo((0.01 * exact) + 1e-12), $"{name}, seed {seed}, q={q}: exact {exact}, estimate {estimate}");
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
        // 1024 buckets at 1% hold about 8.9 decades: the top ones (here from about 1e3) stay exact to 1%.
        foreach (var q in new[] { 0.7, 0.9, 0.99, 1.0 })
        {
            var exact = values[(int)Math.Floor(q * (values.Count - 1))];
            Assert.That(Math.Abs(sketch.Quantile(q) - exact), Is.LessThanOrEqualTo(0.01 * exact), $"q={q}");
        }
    }

    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void BadValue_IsCountedNotThrownOrStored(double value)
    {
        var sketch = new RelativeErrorSketch();
        sketch.Add(1);

        Assert.DoesNotThrow(() => sketch.Add(value));

        Assert.That(sketch.Rejected, Is.EqualTo(1));
        Assert.That(sketch.Count, Is.EqualTo(1));
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
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void InvalidAccuracy_IsRejectedAtConstruction(double accuracy)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RelativeErrorSketch(accuracy));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
