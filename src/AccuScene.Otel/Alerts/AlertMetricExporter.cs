using System.Globalization;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Metrics;
using AccuScene.Otel.Metrics.InProcess;
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
/// Metrics of one name from several meters (ASP.NET Core's and AccuScene's <c>http.server.request.duration</c>)
/// are merged into that one sample. After each export every rule is evaluated, so <c>for</c> and
/// <c>keep_firing_for</c> move on with time. Never throws into the pipeline.
/// </summary>
internal sealed partial class AlertMetricExporter : BaseExporter<Metric>
{
    private readonly AccuSceneAlertEngine _engine;
    private readonly Func<AccuScenePercentiles?> _percentiles;
    private ILookup<string, AlertRule> _rules;
    private int _rulesVersion;

    // The rules of the provider's start (the engine keeps an unchanged rule's object).
    private readonly HashSet<AlertRule> _fromStart;
    private readonly Dictionary<string, RuleSample> _samples = new(StringComparer.Ordinal);
    private readonly List<RuleSample> _touched = [];
    private readonly Dictionary<string, WindowedQuantile> _quantiles = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _exports;
    private int _warnAt = 3;

    public AlertMetricExporter(AccuSceneAlertEngine engine, Func<AccuScenePercentiles?> percentiles)
    {
        _engine = engine;
        var resolved = new Lazy<AccuScenePercentiles?>(percentiles);
        _percentiles = () =>
        {
            try
            {
                return resolved.Value;
            }
            catch (ObjectDisposedException)
            {
                return null; // the container is being disposed: the last export reads the buckets
            }
        };
        _rules = engine.RunningRules.ToLookup(r => r.Metric, StringComparer.Ordinal);
        _fromStart = new HashSet<AlertRule>(engine.RunningRules, ReferenceEqualityComparer.Instance);
        _rulesVersion = engine.RulesVersion;
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            _touched.Clear();
            this.FollowRuleChanges();
            foreach (var metric in batch)
            {
                if (_rules.Contains(metric.Name))
                {
                    _seen.Add(metric.Name);
                    foreach (var rule in _rules[metric.Name])
                    {
                        this.AccumulateAlone(rule, metric);
                    }
                }
            }

            foreach (var sample in _touched)
            {
                try
                {
                    this.Finish(sample);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One rule's failure is its own: the others are still fed and evaluated.
                    AccuSceneSelfDiagnostics.ProcessorFailed("alert-exporter", sample.Rule.Name, ex);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed("alert-exporter", "export", ex);
        }
        finally
        {
            this.EndExport();
        }

        return ExportResult.Success;
    }

    // Whatever happened to this export's points, the rules are evaluated (For, KeepFiringFor and resolutions go on)
    // and the next export is a new one.
    private void EndExport()
    {
        try
        {
            _engine.Evaluate();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed("alert-exporter", "evaluate", ex);
        }

        if (++_exports == _warnAt)
        {
            // A rule on a metric that does not exist (yet) is a warning, once, never a failure.
            foreach (var missing in _rules.Select(g => g.Key).Where(m => !_seen.Contains(m)))
            {
                AccuSceneEventSource.Log.AlertMetricMissing(missing);
            }
        }
    }

    // One rule's failure is its own: the other rules are still fed from this metric and the rest of the batch. The
    // failed rule's sample of this export is never finished, so the next export is its baseline, not a partial sum.
    private void AccumulateAlone(AlertRule rule, Metric metric)
    {
        try
        {
            this.Accumulate(rule, metric);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (_samples.TryGetValue(rule.Name, out var sample))
            {
                _touched.Remove(sample);
            }

            AccuSceneSelfDiagnostics.ProcessorFailed("alert-exporter", rule.Name, ex);
        }
    }

    // Adds the rule's matching points of one metric to the rule's sample of this export.
    private void Accumulate(AlertRule rule, Metric metric)
    {
        if (!_samples.TryGetValue(rule.Name, out var sample))
        {
            _samples[rule.Name] = sample = this.NewSample(rule, metric);
        }

        if (sample.Export != _exports)
        {
            sample.Begin(_exports);
            _touched.Add(sample);
        }

        var type = metric.MetricType;
        sample.Type = type;
        if (!sample.Meters.Contains(metric.MeterName))
        {
            sample.Meters.Add(metric.MeterName);
        }

        var buckets = rule.Aggregation == AlertAggregation.Percentile && type == MetricType.Histogram;
        var totals = default(PointTotals);
        var unreadable = 0;
        Span<char> buffer = stackalloc char[TagText.BufferLength];
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            if (!RuleTagFilter.Matches(rule, point, buffer, out var unread))
            {
                unreadable += unread ? 1 : 0;
                continue;
            }

            totals.Add(point, type);
            sample.OfferExemplars(point);
            if (buckets)
            {
                sample.Buckets.Add(point);
            }
        }

        sample.Add(totals);
        if (totals.NonFinite > 0)
        {
            // Left out of the sums so they cannot blank the others; not lost without a word.
            RuleEvaluator.CountDrop(rule.Name, "invalid_value", totals.NonFinite);
        }

        if (unreadable > 0)
        {
            RuleEvaluator.CountDrop(rule.Name, "unreadable_tag", unreadable);
        }
    }

    // One sample per rule per export, from everything accumulated for it.
    private void Finish(RuleSample sample)
    {
        var rule = sample.Rule;
        var type = sample.Type;
        if (type is MetricType.Histogram or MetricType.ExponentialHistogram)
        {
            this.FinishHistogram(sample);
            return;
        }

        var comparable = sample.Complete();
        if (sample.Points == 0)
        {
            // The metric is there, but none of its series matches (yet): a counter's first matching series counts
            // from zero when it comes.
            sample.PreviousTotal = type is MetricType.LongSum or MetricType.DoubleSum && sample.NonFinite == 0 ? 0 : sample.PreviousTotal;
            return;
        }

        if (type is MetricType.LongSum or MetricType.DoubleSum)
        {
            // A counter's sample stands for the events since the last export. The total is summed over series: when
            // it drops (a series restarted), or the series or the export before are not this one's (RuleSample.Complete),
            // the others' increase is unknown, so the sample counts none and the baseline moves on. Rate rules read the
            // total grown by measured increases only.
            var measurable = !double.IsNaN(sample.PreviousTotal) && sample.Total >= sample.PreviousTotal && comparable;
            var increase = measurable ? sample.Total - sample.PreviousTotal : 0;
            sample.Continuous = double.IsNaN(sample.PreviousTotal) ? sample.Total : sample.Continuous + increase;
            sample.PreviousTotal = sample.Total;
            this.NoteExemplar(sample, double.NaN);
            _engine.CheckRule(rule, rule.Aggregation == AlertAggregation.Rate ? sample.Continuous : sample.Total, increase);
        }
        else if (rule.Aggregation == AlertAggregation.Rate)
        {
            // Rate reads a counter's total, where a fall is a restart: a gauge's or up-down counter's fall would be
            // read as one (1000, 990, 1000 gave 250/s). No value, and each sample is counted dropped.
            RuleEvaluator.CountDrop(rule.Name, "not_a_counter", 1);
        }
        else
        {
            this.NoteExemplar(sample, double.NaN);
            _engine.CheckRule(rule, type is MetricType.LongGauge or MetricType.DoubleGauge ? sample.Total / sample.Points : sample.Total, 1);
        }
    }

    private void FinishHistogram(RuleSample sample)
    {
        // Cumulative totals over the matching points: in-process series never restart, so the difference of the
        // totals is what was recorded since the last export (a new series' whole count is new). The first export of
        // a rule added or changed at run time only takes the baseline (PreviousCount -1).
        var rule = sample.Rule;
        var (previousSum, previousCount) = (sample.PreviousSum, sample.PreviousCount);
        (sample.PreviousSum, sample.PreviousCount) = (sample.Sum, sample.Count);
        var comparable = sample.Complete() || previousCount == 0; // a rule of the provider's start reads from zero
        if (rule.Aggregation == AlertAggregation.Rate)
        {
            // Rate reads a counter's total, where a fall is a restart: one export's mean falling and rising again
            // (1.0, 0.5, 1.0) would read as an increase. No value, and each sample is counted dropped, as for a gauge.
            RuleEvaluator.CountDrop(rule.Name, "not_a_counter", 1);
            return;
        }

        if (rule.Aggregation == AlertAggregation.Percentile)
        {
            var now = _engine.SteadyNow(); // the window is a duration: measured on the steady time
            if (!_quantiles.TryGetValue(rule.Name, out var windowed))
            {
                _quantiles[rule.Name] = windowed = new WindowedQuantile(rule.Window, fromStart: _fromStart.Contains(rule) || sample.FollowedAnExportWithout);
            }

            // The sketch stands for the rule's metric only when it has every meter that exported that name, and only those.
            var filter = rule.Tags.Select(t => new KeyValuePair<string, string?>(t.Key, t.Value)).ToArray();
            var snapshot = _percentiles()?.Capture(rule.Metric, filter, sample.Meters);
            var quantile = snapshot is { } sketch
                ? windowed.FromSketch(now, sketch, rule.Quantile)
                : sample.Buckets is { Counts: { Length: > 0 } counts, Agree: true } buckets ? windowed.FromBuckets(now, buckets.Bounds, [.. counts], rule.Quantile) : null;
            this.NoteExemplar(sample, quantile ?? double.NaN);
            _engine.CheckPrecomputed(
                rule,
                quantile ?? double.NaN,
                quantile is null ? null : snapshot is null ? PercentileSources.Buckets : PercentileSources.Sketch,
                snapshot?.Mapping.RelativeAccuracy);
            return;
        }

        // A series gone (a meter disposed) while the others grew, or the metric back after a gap, makes the
        // difference of the totals no export's measurements: no mean this once, and the baseline moves on.
        if (previousCount >= 0 && sample.Count > previousCount && comparable)
        {
            var mean = (sample.Sum - previousSum) / (sample.Count - previousCount);
            this.NoteExemplar(sample, rule.Kind == AlertThresholdKind.RateLimit ? double.NaN : mean);
            _engine.CheckRule(rule, mean, sample.Count - previousCount);
        }
    }
}
