using System.Globalization;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Feeds the alert engine from the OpenTelemetry metric pipeline: a metric exporter on its own periodic
/// reader (cumulative temporality), so rules read the same points every other exporter sees, and no second
/// registry exists. Each export gives each rule one sample, merged over the points that match its tag filter:
/// <list type="bullet">
/// <item>counters: the sum of the cumulative totals, weighted by the increase since the last export;</item>
/// <item>up-down counters: the sum of the values; gauges: the mean of the values;</item>
/// <item>histograms: the mean of the measurements since the last export, weighted by how many there were;
/// a <see cref="AlertAggregation.Percentile"/> rule gets the quantile over its window instead, from the in-process
/// percentile sketch when the instrument has one, or else from the histogram's buckets.</item>
/// </list>
/// After each export every rule is evaluated, so <c>for</c> and <c>keep_firing_for</c> move on with time.
/// Never throws into the pipeline.
/// </summary>
internal sealed class AlertMetricExporter : BaseExporter<Metric>
{
    private readonly AccuSceneAlertEngine _engine;
    private readonly Func<AccuScenePercentiles?> _percentiles;
    private readonly ILookup<string, AlertRule> _rules;
    private readonly Dictionary<string, double> _previousTotals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double Sum, long Count)> _previousHistograms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double[] Bounds, double[] Buckets)> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WindowedQuantile> _quantiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _exports;

    public AlertMetricExporter(AccuSceneAlertEngine engine, Func<AccuScenePercentiles?> percentiles)
    {
        _engine = engine;
        _percentiles = percentiles;
        _rules = engine.Rules.ToLookup(r => r.Metric, StringComparer.Ordinal);
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            foreach (var metric in batch)
            {
                if (_rules.Contains(metric.Name))
                {
                    _seen.Add(metric.Name);
                    foreach (var rule in _rules[metric.Name])
                    {
                        this.Feed(rule, metric);
                    }
                }
            }

            _engine.Evaluate();
            if (++_exports == 3)
            {
                // A rule on a metric that does not exist (yet) is a warning, once, never a failure.
                foreach (var missing in _rules.Select(g => g.Key).Where(m => !_seen.Contains(m)))
                {
                    AccuSceneEventSource.Log.AlertMetricMissing(missing);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed("alert-exporter", "export", ex);
        }

        return ExportResult.Success;
    }

    private static bool Matches(AlertRule rule, in MetricPoint point)
    {
        if (rule.Tags.Count == 0)
        {
            return true;
        }

        var matched = 0;
        foreach (var tag in point.Tags)
        {
            if (rule.Tags.TryGetValue(tag.Key, out var wanted)
                && string.Equals(wanted, tag.Value as string ?? Convert.ToString(tag.Value, CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                matched++;
            }
        }

        return matched == rule.Tags.Count;
    }

    private void Feed(AlertRule rule, Metric metric)
    {
        var type = metric.MetricType;
        if (type == MetricType.Histogram)
        {
            this.FeedHistogram(rule, metric);
            return;
        }

        var sum = 0.0;
        var points = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            if (!Matches(rule, point))
            {
                continue;
            }

            points++;
            sum += type switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                MetricType.LongGauge => point.GetGaugeLastValueLong(),
                MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                _ => double.NaN,
            };
        }

        if (points == 0)
        {
            return;
        }

        if (type is MetricType.LongSum or MetricType.DoubleSum)
        {
            // A counter's sample stands for the events since the last export (a drop is a restart from zero).
            var increase = _previousTotals.TryGetValue(rule.Name, out var previous) ? (sum >= previous ? sum - previous : sum) : 0;
            _previousTotals[rule.Name] = sum;
            _engine.CheckRule(rule.Name, sum, increase);
        }
        else
        {
            _engine.CheckRule(rule.Name, type is MetricType.LongGauge or MetricType.DoubleGauge ? sum / points : sum, 1);
        }
    }

    private void FeedHistogram(AlertRule rule, Metric metric)
    {
        // Cumulative totals over the matching points: in-process series never restart, so the difference of the
        // totals is what was recorded since the last export (a new series' whole count is new).
        double sum = 0;
        long count = 0;
        var percentile = rule.Aggregation == AlertAggregation.Percentile;
        var buckets = percentile ? this.ClearBuckets(rule.Name, metric) : default;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            if (!Matches(rule, point))
            {
                continue;
            }

            sum += point.GetHistogramSum();
            count += point.GetHistogramCount();
            if (percentile)
            {
                AddBuckets(point, ref buckets);
            }
        }

        var previous = _previousHistograms.GetValueOrDefault(rule.Name);
        _previousHistograms[rule.Name] = (sum, count);
        if (percentile)
        {
            var now = _engine.Time.GetUtcNow();
            if (!_quantiles.TryGetValue(rule.Name, out var windowed))
            {
                _quantiles[rule.Name] = windowed = new WindowedQuantile(rule.Window);
            }

            var filter = rule.Tags.Select(t => new KeyValuePair<string, string?>(t.Key, t.Value)).ToArray();
            var quantile = _percentiles()?.Capture(metric.Name, filter) is var (snapshot, gamma)
                ? windowed.FromSketch(now, snapshot, gamma, rule.Quantile)
                : buckets.Buckets is { Length: > 0 } counts ? windowed.FromBuckets(now, buckets.Bounds, [.. counts], rule.Quantile) : null;
            _engine.CheckPrecomputed(rule.Name, quantile ?? double.NaN);
            return;
        }

        if (count > previous.Count)
        {
            _engine.CheckRule(rule.Name, (sum - previous.Sum) / (count - previous.Count), count - previous.Count);
        }
    }

    // The rule's bucket arrays, zeroed, sized from the metric's first point (all points of a metric share the bounds).
    private (double[] Bounds, double[] Buckets) ClearBuckets(string rule, Metric metric)
    {
        if (_buckets.TryGetValue(rule, out var arrays))
        {
            Array.Clear(arrays.Buckets);
            return arrays;
        }

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var bounds = new List<double>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                {
                    bounds.Add(bucket.ExplicitBound);
                }
            }

            arrays = ([.. bounds], new double[bounds.Count + 1]);
            _buckets[rule] = arrays;
            return arrays;
        }

        return ([], []);
    }

    // Adds a point's cumulative bucket counts (the last bucket is +Inf).
    private static void AddBuckets(in MetricPoint point, ref (double[] Bounds, double[] Buckets) arrays)
    {
        var i = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            if (i < arrays.Buckets.Length)
            {
                arrays.Buckets[i++] += bucket.BucketCount;
            }
        }
    }
}
