using AccuScene.Otel.Metrics.Percentiles;
namespace AccuScene.Otel.Alerts;

/// <summary>One rule's recent samples and the aggregation and comparison over them. Not thread-safe: the engine locks.</summary>
/// <remarks>
/// A sample has a weight: how many events it stands for. A direct <see cref="AccuSceneAlertEngine.Check"/> is one
/// event; a histogram point from the pipeline stands for the measurements since the last export (its value is
/// their mean), and a counter point for its increase since the last export. <see cref="AlertAggregation.Average"/>
/// is the weighted mean, <see cref="AlertAggregation.Sum"/> the weighted sum, and
/// <see cref="AlertThresholdKind.RateLimit"/> counts weights, so each means the same whether values arrive one by
/// one or pre-aggregated.
/// </remarks>
internal sealed class RuleEvaluator
{
    /// <summary>The most samples a rule keeps; beyond it the oldest go first (and are counted).</summary>
    public const int MaxSamples = 1024;

    private readonly Queue<Sample> _samples = new();
    private Sample? _last;
    private Sample? _precomputed;

    public RuleEvaluator(AlertRule rule)
    {
        this.Rule = rule;
    }

    public AlertRule Rule { get; }

    /// <summary>Gets how many samples were dropped because the rule already held <see cref="MaxSamples"/>.</summary>
    public long DroppedSamples { get; private set; }

    /// <summary>A percentile already computed elsewhere (the in-process sketch): percentile rules use it as it is.</summary>
    public void AddPrecomputed(DateTimeOffset at, double value) =>
        _precomputed = double.IsFinite(value) ? new Sample(at, value, 1) : null; // no value: the window is empty

    public void Add(DateTimeOffset at, double value, double weight = 1)
    {
        if (!double.IsFinite(value) || !double.IsFinite(weight) || weight < 0)
        {
            return;
        }

        _last = new Sample(at, value, weight);
        if (this.Rule is { Aggregation: AlertAggregation.LastValue, Kind: not (AlertThresholdKind.RateLimit or AlertThresholdKind.PercentageChange) })
        {
            return; // the last value is all this rule reads
        }

        _samples.Enqueue(new Sample(at, value, weight));
        if (_samples.Count > MaxSamples)
        {
            _samples.Dequeue();
            this.DroppedSamples++;
            try
            {
                Diagnostics.AccuSceneSelfDiagnostics.AlertSamplesDropped.Add(1, new KeyValuePair<string, object?>("rule", this.Rule.Name));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A listener failed; the drop is still on DroppedSamples.
            }
        }
    }

    /// <summary>Whether the condition holds at <paramref name="now"/>, and the value compared.</summary>
    public (bool Holds, double Value) Evaluate(DateTimeOffset now)
    {
        var window = this.Rule.Window;

        // Two windows are kept: percentage change compares the last window with the one before.
        while (_samples.Count > 0 && _samples.Peek().At <= now - (2 * window))
        {
            _samples.Dequeue();
        }

        if (this.Rule.Kind == AlertThresholdKind.RateLimit)
        {
            var events = _samples.Where(s => s.At > now - window).Sum(s => s.Weight);
            return (events > this.Rule.Threshold, events);
        }

        if (this.Rule.Kind == AlertThresholdKind.PercentageChange)
        {
            // The rule's aggregation over the last window against the same over the window before.
            var current = this.Aggregate(now - window, now, lastValueAsAverage: true);
            var previous = this.Aggregate(now - (2 * window), now - window, lastValueAsAverage: true);
            if (current is not { } c || previous is not { } p || p == 0)
            {
                return (false, double.NaN);
            }

            var change = Math.Abs(c - p) / Math.Abs(p) * 100;
            return (change > this.Rule.Threshold, change);
        }

        if (this.Aggregate(now - window, now, lastValueAsAverage: false) is not { } value)
        {
            return (false, double.NaN);
        }

        var upper = this.Rule.UpperThreshold ?? this.Rule.Threshold;
        var holds = this.Rule.Kind switch
        {
            AlertThresholdKind.GreaterThan => value > this.Rule.Threshold,
            AlertThresholdKind.LessThan => value < this.Rule.Threshold,
            AlertThresholdKind.Between => value >= this.Rule.Threshold && value <= upper,
            AlertThresholdKind.Outside => value < this.Rule.Threshold || value > upper,
            _ => false,
        };
        return (holds, value);
    }

    /// <summary>The rule's aggregation over the samples in (<paramref name="from"/>, <paramref name="to"/>].</summary>
    private double? Aggregate(DateTimeOffset from, DateTimeOffset to, bool lastValueAsAverage)
    {
        var samples = _samples.Where(s => s.At > from && s.At <= to).ToList();
        var weight = samples.Sum(s => s.Weight);
        switch (this.Rule.Aggregation)
        {
            case AlertAggregation.LastValue when !lastValueAsAverage:
                return _last is { } last && last.At > to - (2 * this.Rule.Window) ? last.Value : null;
            case AlertAggregation.Sum:
                return samples.Count == 0 ? null : samples.Sum(s => s.Value * s.Weight);
            case AlertAggregation.Average or AlertAggregation.LastValue:
                return weight > 0 ? samples.Sum(s => s.Value * s.Weight) / weight : null;
            case AlertAggregation.Percentile when !lastValueAsAverage && _precomputed is { } precomputed && precomputed.At > to - (2 * this.Rule.Window):
                return precomputed.Value;
            case AlertAggregation.Percentile:
                return WeightedNearestRank(samples, weight, this.Rule.Quantile);
            case AlertAggregation.Rate:
                if (samples.Count < 2)
                {
                    return null;
                }

                var seconds = (samples[^1].At - samples[0].At).TotalSeconds;
                var increase = 0.0;
                for (var i = 1; i < samples.Count; i++)
                {
                    // A value below the one before is a counter reset: the counter restarted from zero.
                    var step = samples[i].Value - samples[i - 1].Value;
                    increase += step >= 0 ? step : samples[i].Value;
                }

                return seconds > 0 ? increase / seconds : null;
            default:
                return null;
        }
    }

    // The sketch's rank definition (NearestRank), with weights: the smallest value with at least the quantile's
    // share of the weight at or below it.
    private static double? WeightedNearestRank(List<Sample> samples, double weight, double quantile)
    {
        if (samples.Count == 0 || weight <= 0)
        {
            return null;
        }

        samples.Sort((a, b) => a.Value.CompareTo(b.Value));
        var target = NearestRank.Target(quantile, weight);
        var seen = 0.0;
        foreach (var sample in samples)
        {
            seen += sample.Weight;
            if (NearestRank.Reached(seen, sample.Weight, target))
            {
                return sample.Value;
            }
        }

        return samples[^1].Value;
    }

    private readonly record struct Sample(DateTimeOffset At, double Value, double Weight);
}
