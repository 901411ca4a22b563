namespace AccuScene.Otel.Alerts;

/// <summary>One alert: a rule whose condition started holding, from pending to resolved.</summary>
public sealed record AlertInstance
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AlertInstance(string id, string rule, AlertSeverity severity, AlertState state, double @value, DateTimeOffset pendingSince, DateTimeOffset? firedAt, DateTimeOffset? resolvedAt, AlertAcknowledgement? acknowledgement, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations)
    {
        this.Id = id;
        this.Rule = rule;
        this.Severity = severity;
        this.State = state;
        this.Value = @value;
        this.PendingSince = pendingSince;
        this.FiredAt = firedAt;
        this.ResolvedAt = resolvedAt;
        this.Acknowledgement = acknowledgement;
        this.Labels = labels;
        this.Annotations = annotations;
    }

    /// <summary>Gets the alert's id, unique in the process.</summary>
    public string Id { get; init; }

    /// <summary>Gets the rule's name.</summary>
    public string Rule { get; init; }

    /// <summary>Gets the rule's severity.</summary>
    public AlertSeverity Severity { get; init; }

    /// <summary>Gets its state: pending, firing or resolved.</summary>
    public AlertState State { get; init; }

    /// <summary>Gets the aggregated value at the last evaluation; the annotations are rendered with it.</summary>
    public double Value { get; init; }

    /// <summary>Gets when the condition started holding.</summary>
    public DateTimeOffset PendingSince { get; init; }

    /// <summary>Gets when it fired.</summary>
    public DateTimeOffset? FiredAt { get; init; }

    /// <summary>Gets when it resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Gets who acknowledged it, when, and why.</summary>
    public AlertAcknowledgement? Acknowledgement { get; init; }

    /// <summary>Gets its labels, <c>alertname</c> and <c>severity</c> included.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Gets its annotations, templates filled in.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; }

    /// <summary>Gets the engine's count of alerts when this one began: a later alert of a rule has a larger one, whatever the wall clock did.</summary>
    internal long Sequence { get; init; }

    /// <summary>Gets the aggregated value when the alert fired; <see langword="null"/> while it is pending.</summary>
    public double? ValueAtFiring { get; init; }

    /// <summary>
    /// Gets a measurement behind <see cref="Value"/> that was made inside a sampled span (an OpenTelemetry exemplar),
    /// so the alert links to a trace that caused it; <see langword="null"/> when the metric has none.
    /// </summary>
    public AlertExemplar? Exemplar { get; init; }

    /// <summary>
    /// Gets where a histogram percentile rule's <see cref="Value"/> came from: <c>sketch</c> (the in-process sketch,
    /// within <see cref="PercentileRelativeError"/>) or <c>buckets</c> (interpolated inside explicit buckets:
    /// approximate); <see langword="null"/> for other rules.
    /// </summary>
    public string? PercentileSource { get; init; }

    /// <summary>Gets the relative error bound of <see cref="Value"/> when it came from the sketch.</summary>
    public double? PercentileRelativeError { get; init; }
}

/// <summary>A measurement made inside a sampled span: the link from an alert to a trace.</summary>
public sealed record AlertExemplar
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AlertExemplar(string traceId, string spanId, double @value, DateTimeOffset timestamp)
    {
        this.TraceId = traceId;
        this.SpanId = spanId;
        this.Value = @value;
        this.Timestamp = timestamp;
    }

    /// <summary>Gets the span's trace id, 32 lower-case hex digits.</summary>
    public string TraceId { get; init; }

    /// <summary>Gets the span's id, 16 lower-case hex digits.</summary>
    public string SpanId { get; init; }

    /// <summary>Gets the measurement.</summary>
    public double Value { get; init; }

    /// <summary>Gets when it was made.</summary>
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>An acknowledgement.</summary>
public sealed record AlertAcknowledgement
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AlertAcknowledgement(string by, DateTimeOffset at, string? comment)
    {
        this.By = by;
        this.At = at;
        this.Comment = comment;
    }

    /// <summary>Gets who acknowledged the alert.</summary>
    public string By { get; init; }

    /// <summary>Gets when it was acknowledged.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Gets why, or what is being done.</summary>
    public string? Comment { get; init; }
}

/// <summary>A notification for the channels: an alert fired or resolved.</summary>
public sealed record AlertNotification
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AlertNotification(AlertInstance alert, AlertState state, bool repeat = false)
    {
        this.Alert = alert;
        this.State = state;
        this.Repeat = repeat;
    }

    /// <summary>Gets the alert as it is now.</summary>
    public AlertInstance Alert { get; init; }

    /// <summary>Gets the state notified: firing or resolved.</summary>
    public AlertState State { get; init; }

    /// <summary>Gets a value indicating whether the alert still fires, unacknowledged, a cooldown after its last notification.</summary>
    public bool Repeat { get; init; }
}

/// <summary>What the engine has seen.</summary>
public sealed record AlertStatistics
{
    // Made by the SDK only: a public constructor would freeze the field list.
    internal AlertStatistics(IReadOnlyDictionary<AlertSeverity, int> bySeverity, IReadOnlyDictionary<AlertState, int> byState, long notifications, long suppressedByCooldown, TimeSpan? meanTimeToAcknowledge, TimeSpan? meanTimeToResolve, TimeSpan? longestFiring, long historyDropped)
    {
        this.BySeverity = bySeverity;
        this.ByState = byState;
        this.Notifications = notifications;
        this.SuppressedByCooldown = suppressedByCooldown;
        this.MeanTimeToAcknowledge = meanTimeToAcknowledge;
        this.MeanTimeToResolve = meanTimeToResolve;
        this.LongestFiring = longestFiring;
        this.HistoryDropped = historyDropped;
    }

    /// <summary>Gets the alerts (active and in history) per severity.</summary>
    public IReadOnlyDictionary<AlertSeverity, int> BySeverity { get; init; }

    /// <summary>Gets the alerts per state: pending, firing (active now) and resolved (in the history); inactive counts the rules with no active alert now.</summary>
    public IReadOnlyDictionary<AlertState, int> ByState { get; init; }

    /// <summary>Gets the number of notifications sent.</summary>
    public long Notifications { get; init; }

    /// <summary>Gets the number of notifications not sent because the cooldown had not passed.</summary>
    public long SuppressedByCooldown { get; init; }

    /// <summary>Gets the mean time from firing to acknowledgement.</summary>
    public TimeSpan? MeanTimeToAcknowledge { get; init; }

    /// <summary>Gets the mean time from firing to resolution.</summary>
    public TimeSpan? MeanTimeToResolve { get; init; }

    /// <summary>Gets the longest time an alert fired.</summary>
    public TimeSpan? LongestFiring { get; init; }

    /// <summary>Gets the number of resolved alerts dropped from the bounded history.</summary>
    public long HistoryDropped { get; init; }
}
