using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Feeds the alert engine from the OpenTelemetry metric pipeline: a metric exporter on its own periodic
/// reader (cumulative temporality), so rules read the same points every other exporter sees, and no second
/// registry exists. Per point: counters and up-down counters give their cumulative sum (use
/// <see cref="AlertAggregation.Rate"/>), gauges their last value, histograms the mean of the measurements since
/// the previous export. A rule with <see cref="AlertAggregation.Percentile"/> on a histogram gets the quantile
/// from the in-process percentile sketch instead. After each export every rule is evaluated, so
/// <c>for</c> and <c>keep_firing_for</c> move on with time. Never throws into the pipeline.
/// </summary>
internal sealed class AlertMetricExporter : BaseExporter<Metric>
{
    private readonly AccuSceneAlertEngine _engine;
    private readonly Func<AccuScenePercentiles?> _percentiles;
    private readonly HashSet<string> _metrics;
    private readonly ILookup<string, AlertRule> _percentileRules;
    private readonly Dictionary<(string Metric, string Series), (double Sum, long Count)> _previousHistograms = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _exports;

    public AlertMetricExporter(AccuSceneAlertEngine engine, Func<AccuScenePercentiles?> percentiles)
    {
        _engine = engine;
        _percentiles = percentiles;
        _metrics = new HashSet<string>(engine.Metrics, StringComparer.Ordinal);
        _percentileRules = engine.Rules.Where(r => r.Aggregation == AlertAggregation.Percentile).ToLookup(r => r.Metric, StringComparer.Ordinal);
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            foreach (var metric in batch)
            {
                if (_metrics.Contains(metric.Name))
                {
                    _seen.Add(metric.Name);
                    this.Feed(metric);
                }
            }

            _engine.Evaluate();
            if (++_exports == 3)
            {
                // A rule on a metric that does not exist (yet) is a warning, once, never a failure.
                foreach (var missing in _metrics.Where(m => !_seen.Contains(m)))
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

    private void Feed(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }

            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    _engine.Check(metric.Name, point.GetSumLong(), tags);
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    _engine.Check(metric.Name, point.GetSumDouble(), tags);
                    break;
                case MetricType.LongGauge:
                    _engine.Check(metric.Name, point.GetGaugeLastValueLong(), tags);
                    break;
                case MetricType.DoubleGauge:
                    _engine.Check(metric.Name, point.GetGaugeLastValueDouble(), tags);
                    break;
                case MetricType.Histogram:
                    this.FeedHistogram(metric.Name, point, tags);
                    break;
            }
        }
    }

    private void FeedHistogram(string name, in MetricPoint point, Dictionary<string, string> tags)
    {
        var sum = point.GetHistogramSum();
        var count = point.GetHistogramCount();
        var key = (name, string.Join(',', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")));
        var previous = _previousHistograms.GetValueOrDefault(key);
        _previousHistograms[key] = (sum, count);
        if (count > previous.Count)
        {
            _engine.Check(name, (sum - previous.Sum) / (count - previous.Count), tags);
        }

        if (!_percentileRules.Contains(name) || _percentiles() is not { } percentiles)
        {
            return;
        }

        foreach (var rule in _percentileRules[name])
        {
            var filter = rule.Tags.Select(t => new KeyValuePair<string, string?>(t.Key, t.Value)).ToArray();
            if (percentiles.Quantile(name, rule.Quantile, filter) is { } value)
            {
                _engine.CheckRule(rule.Name, value);
            }
        }
    }
}
