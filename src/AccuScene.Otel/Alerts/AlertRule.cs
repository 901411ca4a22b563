namespace AccuScene.Otel.Alerts;

/// <summary>How a rule turns a metric's recent values into the one number it compares.</summary>
public enum AlertAggregation
{
    /// <summary>The latest value.</summary>
    LastValue,

    /// <summary>The increase over the window, per second (for counters).</summary>
    Rate,

    /// <summary>The sum of the values in the window.</summary>
    Sum,

    /// <summary>The mean of the values in the window.</summary>
    Average,

    /// <summary>A percentile (<see cref="AlertRule.Quantile"/>) of the values in the window.</summary>
    Percentile,
}

/// <summary>How the aggregated value is compared.</summary>
public enum AlertThresholdKind
{
    /// <summary>Above <see cref="AlertRule.Threshold"/>.</summary>
    GreaterThan,

    /// <summary>Below <see cref="AlertRule.Threshold"/>.</summary>
    LessThan,

    /// <summary>Within [<see cref="AlertRule.Threshold"/>, <see cref="AlertRule.UpperThreshold"/>].</summary>
    Between,

    /// <summary>Outside [<see cref="AlertRule.Threshold"/>, <see cref="AlertRule.UpperThreshold"/>].</summary>
    Outside,

    /// <summary>Changed by more than <see cref="AlertRule.Threshold"/> percent (either way) against the value one window earlier.</summary>
    PercentageChange,

    /// <summary>More than <see cref="AlertRule.Threshold"/> values (events) arrived within the window.</summary>
    RateLimit,
}

/// <summary>What a rule watches when many processes report the same metric (as Prometheus sees a fleet).</summary>
public enum AlertScope
{
    /// <summary>Each process on its own: the exported rule keeps <c>job</c> and <c>instance</c>, one alert per process.</summary>
    Instance,

    /// <summary>The fleet as a whole: the exported rule aggregates over every instance of a <c>job</c>, one alert for all.</summary>
    Fleet,
}

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Look when convenient.</summary>
    Low,

    /// <summary>Look today.</summary>
    Medium,

    /// <summary>Look now.</summary>
    High,

    /// <summary>Wake someone up.</summary>
    Critical,
}

/// <summary>The state of an alert.</summary>
public enum AlertState
{
    /// <summary>The condition does not hold.</summary>
    Inactive,

    /// <summary>The condition holds, but not yet for <see cref="AlertRule.For"/>.</summary>
    Pending,

    /// <summary>The condition has held for <see cref="AlertRule.For"/>.</summary>
    Firing,

    /// <summary>It fired, and the condition has stopped holding for <see cref="AlertRule.KeepFiringFor"/>.</summary>
    Resolved,
}

/// <summary>An alerting rule.</summary>
public sealed class AlertRule
{
    /// <summary>Gets or sets the rule's name, also the <c>alertname</c> label.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the instrument name, for example <c>accuscene.simulation.step.duration</c>.</summary>
    public string Metric { get; set; } = string.Empty;

    /// <summary>Gets the tags a metric point must carry to count (all of them, exact values).</summary>
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the aggregation. Default: <see cref="AlertAggregation.LastValue"/>.</summary>
    public AlertAggregation Aggregation { get; set; } = AlertAggregation.LastValue;

    /// <summary>Gets or sets the quantile of <see cref="AlertAggregation.Percentile"/>, 0 to 1. Default: 0.95.</summary>
    public double Quantile { get; set; } = 0.95;

    /// <summary>Gets or sets the window of windowed aggregations and of <see cref="AlertThresholdKind.RateLimit"/>. Default: 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the comparison. Default: <see cref="AlertThresholdKind.GreaterThan"/>.</summary>
    public AlertThresholdKind Kind { get; set; } = AlertThresholdKind.GreaterThan;

    /// <summary>Gets or sets the threshold (the lower bound of ranges, the percentage of changes, the count of rate limits).</summary>
    public double Threshold { get; set; }

    /// <summary>Gets or sets the upper bound of <see cref="AlertThresholdKind.Between"/> and <see cref="AlertThresholdKind.Outside"/>.</summary>
    public double? UpperThreshold { get; set; }

    /// <summary>
    /// Gets or sets what the rule means across a fleet, for the exported Prometheus rule: each instance, or the
    /// fleet as a whole. In process the rule always reads this process' metrics. Default: <see cref="AlertScope.Instance"/>.
    /// </summary>
    public AlertScope Scope { get; set; } = AlertScope.Instance;

    /// <summary>Gets or sets the severity. Default: <see cref="AlertSeverity.Medium"/>.</summary>
    public AlertSeverity Severity { get; set; } = AlertSeverity.Medium;

    /// <summary>Gets or sets how long the condition must hold before the alert fires. Default: 0.</summary>
    public TimeSpan For { get; set; }

    /// <summary>Gets or sets how long a firing alert keeps firing after the condition stops holding. Default: 0.</summary>
    public TimeSpan KeepFiringFor { get; set; }

    /// <summary>Gets or sets the least time between two notifications of the same alert. Default: 5 minutes.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the labels added to the alert (beside <c>alertname</c> and <c>severity</c>).</summary>
    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the annotations; <c>{value}</c>, <c>{threshold}</c> and <c>{metric}</c> are replaced when the alert fires.</summary>
    public Dictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A copy, setting by setting: the engine runs its own copy of a validated rule, so a caller that changes its
    /// object afterwards changes nothing unvalidated.
    /// </summary>
    internal AlertRule Copy()
    {
        var copy = new AlertRule
        {
            Name = this.Name,
            Metric = this.Metric,
            Aggregation = this.Aggregation,
            Quantile = this.Quantile,
            Window = this.Window,
            Kind = this.Kind,
            Threshold = this.Threshold,
            UpperThreshold = this.UpperThreshold,
            Scope = this.Scope,
            Severity = this.Severity,
            For = this.For,
            KeepFiringFor = this.KeepFiringFor,
            Cooldown = this.Cooldown,
        };
        foreach (var (source, target) in (ReadOnlySpan<(Dictionary<string, string>, Dictionary<string, string>)>)[(this.Tags, copy.Tags), (this.Labels, copy.Labels), (this.Annotations, copy.Annotations)])
        {
            foreach (var (key, value) in source)
            {
                target[key] = value;
            }
        }

        return copy;
    }
}
