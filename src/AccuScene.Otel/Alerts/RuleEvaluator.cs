namespace AccuScene.Otel.Alerts;

/// <summary>One rule's recent samples and the aggregation and comparison over them. Not thread-safe: the engine locks.</summary>
internal sealed class RuleEvaluator
{
    /// <summary>The most samples a rule keeps; beyond it the oldest go first (and are counted).</summary>
    public const int MaxSamples = 1024;

    private readonly Queue<(DateTimeOffset At, double Value)> _samples = new();
    private (DateTimeOffset At, double Value)? _last;
    private (DateTimeOffset At, double Value)? _precomputed;

    public RuleEvaluator(AlertRule rule)
    {
        this.Rule = rule;
    }

    public AlertRule Rule { get; }

    /// <summary>Gets how many samples were dropped because the rule already held <see cref="MaxSamples"/>.</summary>
    public long DroppedSamples { get; private set; }

    /// <summary>A percentile already computed elsewhere (the in-process sketch): percentile rules use it as it is.</summary>
    public void AddPrecomputed(DateTimeOffset at, double value)
    {
        if (double.IsFinite(value))
        {
            _precomputed = (at, value);
        }
    }

    public void Add(DateTimeOffset at, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        _last = (at, value);
        if (this.Rule is { Aggregation: AlertAggregation.LastValue, Kind: not (AlertThresholdKind.RateLimit or AlertThresholdKind.PercentageChange) })
        {
            return; // the last value is all this rule reads
        }

        _samples.Enqueue((at, value));
        if (_samples.Count > MaxSamples)
        {
            _samples.Dequeue();
            this.DroppedSamples++;
        }
    }

    /// <summary>Whether the condition holds at <paramref name="now"/>, and the value compared.</summary>
    public (bool Holds, double Value) Evaluate(DateTimeOffset now)
    {
        // Two windows are kept: percentage change compares the last window with the one before.
        while (_samples.Count > 0 && _samples.Peek().At < now - (2 * this.Rule.Window))
        {
            _samples.Dequeue();
        }

        var window = _samples.Where(s => s.At > now - this.Rule.Window).Select(s => s.Value).ToList();
        if (this.Rule.Kind == AlertThresholdKind.RateLimit)
        {
            return (window.Count > this.Rule.Threshold, window.Count);
        }

        if (this.Rule.Kind == AlertThresholdKind.PercentageChange)
        {
            var previous = _samples.Where(s => s.At <= now - this.Rule.Window).Select(s => s.Value).ToList();
            if (window.Count == 0 || previous.Count == 0 || previous.Average() == 0)
            {
                return (false, double.NaN);
            }

            var change = Math.Abs(window.Average() - previous.Average()) / Math.Abs(previous.Average()) * 100;
            return (change > this.Rule.Threshold, change);
        }

        if (Aggregate(window, _samples) is not { } value)
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

        double? Aggregate(List<double> values, Queue<(DateTimeOffset At, double Value)> all)
        {
            switch (this.Rule.Aggregation)
            {
                case AlertAggregation.LastValue:
                    return _last is { } last && last.At > now - (2 * this.Rule.Window) ? last.Value : null;
                case AlertAggregation.Sum:
                    return values.Count == 0 ? null : values.Sum();
                case AlertAggregation.Average:
                    return values.Count == 0 ? null : values.Average();
                case AlertAggregation.Percentile when _precomputed is { } precomputed && precomputed.At > now - (2 * this.Rule.Window):
                    return precomputed.Value;
                case AlertAggregation.Percentile:
                    if (values.Count == 0)
                    {
                        return null;
                    }

                    // Nearest rank: the smallest value with at least the quantile's share of values at or below it.
                    values.Sort();
                    var rank = (int)Math.Ceiling(Math.Clamp(this.Rule.Quantile, 0, 1) * values.Count);
                    return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
                case AlertAggregation.Rate:
                    var inWindow = all.Where(s => s.At > now - this.Rule.Window).ToList();
                    if (inWindow.Count < 2)
                    {
                        return null;
                    }

                    var seconds = (inWindow[^1].At - inWindow[0].At).TotalSeconds;
                    var increase = inWindow[^1].Value >= inWindow[0].Value ? inWindow[^1].Value - inWindow[0].Value : inWindow[^1].Value; // a counter reset
                    return seconds > 0 ? increase / seconds : null;
                default:
                    return null;
            }
        }
    }
}
