using System.Diagnostics.Metrics;
using System.Globalization;
using AccuScene.Otel.Metrics;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P5: on 1,000,000 lognormal samples, the relative error of p50/p95/p99 from AccuScene's sketch against
/// the exact sorted values, the memory one series takes, and beside it the error of the same quantiles
/// interpolated (as Prometheus' histogram_quantile does) from the buckets OpenTelemetry really aggregated.
/// An accuracy figure, not a timing, so it prints a table instead of running BenchmarkDotNet.
/// </summary>
internal static class AccuracyReport
{
    private const int Samples = 1_000_000;
    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    public static void Run()
    {
        // Step times around 18 ms with a long tail: lognormal(mu = ln 0.018, sigma = 0.8), in seconds.
        var random = new Random(20261129);
        var values = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = Math.Exp(Math.Log(0.018) + (0.8 * normal));
        }

        _ = new RelativeErrorSketch(0.01); // builds the bucket table, shared by every sketch of this accuracy (32 KiB, once)
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sketch = new RelativeErrorSketch(0.01);
        var sketchBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        var defaultSeconds = Interpolated(values, scale: 1, boundaries: null);
        var defaultMilliseconds = Interpolated(values, scale: 1000, boundaries: null);
        var accuSceneBuckets = Interpolated(values, scale: 1, boundaries: AccuSceneHistogramViews.Resolve(new AccuSceneMetricsOptions())["accuscene.simulation.step.duration"]);

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        Console.WriteLine($"P5: {Samples:N0} lognormal samples (median 18 ms, sigma 0.8); sketch α = 1%, {sketchBytes:N0} B allocated per series");
        Console.WriteLine();
        Console.WriteLine("| Quantile | Exact (s) | Sketch (s) | Sketch error | OTel default buckets, values in s | OTel default buckets, values in ms | AccuScene step buckets (s) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var q = 0; q < Quantiles.Length; q++)
        {
            var exact = NearestRank(sorted, Quantiles[q]);
            var estimate = sketch.Quantile(Quantiles[q]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| p{Quantiles[q] * 100:0} | {exact:0.000000} | {estimate:0.000000} | {Error(estimate, exact)} | {Error(defaultSeconds[q], exact)} | {Error(defaultMilliseconds[q] / 1000, exact)} | {Error(accuSceneBuckets[q], exact)} |"));
        }

        Console.WriteLine();
        Console.WriteLine("P5 cases: the largest sketch error over p1, p5, p25, p50, p75, p90, p95, p99 and p99.9 against the exact nearest-rank value");
        Console.WriteLine();
        Console.WriteLine("| Case | Samples | Max error | At | Bytes per series | Count exact | Min/max exact |");
        Console.WriteLine("|---|---:|---:|---|---:|---|---|");
        Case("lognormal (18 ms, σ 0.8)", Samples, r => Math.Exp(Math.Log(0.018) + (0.8 * Normal(r))));
        Case("negative values: normal(0, 1000)", Samples, r => 1000 * Normal(r));
        Case("heavy tail: Pareto (α 1.1, from 1 ms)", Samples, r => 0.001 / Math.Pow(1 - r.NextDouble(), 1 / 1.1));
        Case("bimodal: 90% 16 ms ± 1, 10% 250 ± 50 ms", Samples, r => r.NextDouble() < 0.9 ? 0.016 + (0.001 * Normal(r)) : 0.25 + (0.05 * Normal(r)));
        Case("lognormal, 10 million samples", 10_000_000, r => Math.Exp(Math.Log(0.018) + (0.8 * Normal(r))));
    }

    // One distribution through one sketch: the worst relative error over the quantiles users read.
    private static void Case(string name, int samples, Func<Random, double> next)
    {
        var random = new Random(20261205);
        var values = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            values[i] = next(random);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sketch = new RelativeErrorSketch(0.01);
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Array.Sort(values);
        var (worst, at) = (0.0, "");
        foreach (var q in (double[])[0.01, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999])
        {
            var exact = NearestRank(values, q);
            var error = Math.Abs(sketch.Quantile(q) - exact) / Math.Abs(exact);
            if (error >= worst)
            {
                (worst, at) = (error, string.Create(CultureInfo.InvariantCulture, $"p{q * 100:0.#}"));
            }
        }

        var summary = sketch.Summarize([0.5]);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {samples:N0} | {worst:P3} | {at} | {bytes:N0} | {(summary.Count == samples ? "yes" : "no")} | {(summary.Min == values[0] && summary.Max == values[^1] ? "yes" : "no")} |"));
    }

    // The rank definition the sketch documents: the smallest value with at least q of the values at or below it.
    private static double NearestRank(double[] sorted, double q) =>
        sorted[Math.Max((int)Math.Ceiling((q * sorted.Length) - 1e-9), 1) - 1];

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Error(double estimate, double exact) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(estimate - exact) / exact:P3}");

    /// <summary>Records every value through an OpenTelemetry histogram and interpolates the quantiles from its buckets.</summary>
    private static double[] Interpolated(double[] values, double scale, double[]? boundaries)
    {
        using var meter = new Meter("Bench.Accuracy." + Guid.NewGuid().ToString("N"));
        var capture = new BucketCapture();
        var builder = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddReader(new BaseExportingMetricReader(capture));
        if (boundaries is not null)
        {
            builder.AddView("value", new ExplicitBucketHistogramConfiguration { Boundaries = boundaries });
        }

        using (var provider = builder.Build()!)
        {
            var histogram = meter.CreateHistogram<double>("value");
            foreach (var value in values)
            {
                histogram.Record(value * scale);
            }

            provider.ForceFlush();
        }

        return [.. Quantiles.Select(q => HistogramQuantile(q, capture.Bounds, capture.Counts))];
    }

    /// <summary>Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank.</summary>
    private static double HistogramQuantile(double q, List<double> bounds, List<long> counts)
    {
        var total = counts.Sum();
        var rank = q * total;
        long cumulative = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (cumulative + counts[i] >= rank)
            {
                var lower = i == 0 ? 0 : bounds[i - 1];
                var upper = bounds[i];
                if (double.IsPositiveInfinity(upper))
                {
                    return lower;
                }

                return lower + ((upper - lower) * (rank - cumulative) / Math.Max(counts[i], 1));
            }

            cumulative += counts[i];
        }

        return bounds[^2];
    }

    private sealed class BucketCapture : BaseExporter<Metric>
    {
        public List<double> Bounds { get; } = [];

        public List<long> Counts { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    this.Bounds.Clear();
                    this.Counts.Clear();
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        this.Bounds.Add(bucket.ExplicitBound);
                        this.Counts.Add(bucket.BucketCount);
                    }
                }
            }

            return ExportResult.Success;
        }
    }
}
