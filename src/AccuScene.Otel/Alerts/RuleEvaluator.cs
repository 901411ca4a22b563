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
/// <para>
/// A rule keeps its two windows in at most <see cref="MaxSamples"/> samples, whatever the window and the pace:
/// samples in one slot of a 512th of the two windows are merged, keeping what the rule reads (the weights for
/// <see cref="AlertThresholdKind.RateLimit"/>; the weighted sum for <see cref="AlertAggregation.Sum"/>,
/// <see cref="AlertAggregation.Average"/> and <see cref="AlertAggregation.LastValue"/>; the latest total for
/// <see cref="AlertAggregation.Rate"/>, which keeps a restart of the total as a sample of its own). A merged sample
/// takes the later time, so a window's first slot may count up to one slot early. A percentile of the values is not
/// merged: it reads the newest <see cref="MaxSamples"/> values, and older ones are dropped and counted.
/// </para>
/// </remarks>
internal sealed class RuleEvaluator
{
    /// <summary>The most samples a rule keeps; beyond it the oldest go first (and are counted).</summary>
    public const int MaxSamples = 1024;

    /// <summary>How many slots the two windows are cut into; samples in one slot merge.</summary>
    private const int Slots = MaxSamples / 2;

    private readonly List<Sample> _samples = [];
    private readonly long _slotTicks;
    private readonly bool _merge;
    private Sample? _last;
    private Sample? _precomputed;

    public RuleEvaluator(AlertRule rule)
    {
        this.Rule = rule;
        _slotTicks = Math.Max(1, 2 * rule.Window.Ticks / Slots);
        _merge = rule.Kind == AlertThresholdKind.RateLimit || rule.Aggregation != AlertAggregation.Percentile;
    }

    public AlertRule Rule { get; private set; }

    /// <summary>
    /// Takes an edited version of the rule that measures the same way (<see cref="AccuSceneAlertEngine"/>'s
    /// <see cref="RuleMeasurement.Same"/>: metric, tags, aggregation, quantile, window, scope and kind), so the samples stay valid.
    /// </summary>
    public void Rebind(AlertRule rule) => this.Rule = rule;

    /// <summary>Gets how many samples were dropped because the rule already held <see cref="MaxSamples"/>.</summary>
    public long DroppedSamples { get; private set; }

    /// <summary>A percentile already computed elsewhere (the in-process sketch): percentile rules use it as it is.</summary>
    public void AddPrecomputed(DateTimeOffset at, double value) =>
        _precomputed = double.IsFinite(value) ? new Sample(at, value, 1) : null; // no value: the window is empty

    public void Add(DateTimeOffset at, double value, double weight = 1)
    {
        if (!double.IsFinite(value) || !double.IsFinite(weight) || weight < 0)
        {
            this.CountDrop("invalid_value");
            return;
        }

        _last = new Sample(at, value, weight);
        if (this.Rule is { Aggregation: AlertAggregation.LastValue, Kind: not (AlertThresholdKind.RateLimit or AlertThresholdKind.PercentageChange) })
        {
            return; // the last value is all this rule reads
        }

        var sample = new Sample(at, value, weight);
        if (_merge && _samples.Count > 0 && _samples[^1] is var tail && tail.At <= at && tail.At.UtcTicks / _slotTicks == at.UtcTicks / _slotTicks
            && !(this.Rule.Aggregation == AlertAggregation.Rate && value < tail.Value)) // a rate keeps a restart as its own sample
        {
            _samples[^1] = this.Merge(tail, sample);
            return;
        }

        _samples.Add(sample);
        if (_samples.Count > MaxSamples)
        {
            _samples.RemoveAt(0);
            this.DroppedSamples++;
            this.CountDrop("capacity");
        }
    }

    private void CountDrop(string reason) => CountDrop(this.Rule.Name, reason, 1);

    /// <summary>Counts values a rule let go: <c>capacity</c> (the oldest, past <see cref="MaxSamples"/>) or <c>invalid_value</c> (NaN, infinite, a negative weight).</summary>
    internal static void CountDrop(string rule, string reason, long count)
    {
        try
        {
            Diagnostics.AccuSceneSelfDiagnostics.AlertSamplesDropped.Add(count, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("reason", reason));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A listener failed; a capacity drop is still on DroppedSamples.
        }
    }

    /// <summary>Whether the condition holds at <paramref name="now"/>, and the value compared.</summary>
    public (bool Holds, double Value) Evaluate(DateTimeOffset now)
    {
        var window = this.Rule.Window;

        // Two windows are kept: percentage change compares the last window with the one before.
        var expired = 0;
        while (expired < _samples.Count && _samples[expired].At <= now - (2 * window))
        {
            expired++;
        }

        _samples.RemoveRange(0, expired);

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

    // One sample for two in the same slot, keeping what the rule reads: the summed weight, and the later value for a
    // rate (a running total) or the weighted mean otherwise (so the weighted sum is kept too).
    private Sample Merge(Sample earlier, Sample later)
    {
        var weight = earlier.Weight + later.Weight;
        var value = this.Rule.Aggregation == AlertAggregation.Rate || weight <= 0
            ? later.Value
            : ((earlier.Value * earlier.Weight) + (later.Value * later.Weight)) / weight;
        return new Sample(later.At, value, weight);
    }

    private readonly record struct Sample(DateTimeOffset At, double Value, double Weight);
}
