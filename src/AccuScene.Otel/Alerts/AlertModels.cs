namespace AccuScene.Otel.Alerts;

/// <summary>One alert: a rule whose condition started holding, from pending to resolved.</summary>
/// <param name="Id">Unique in the process.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Severity">The rule's severity.</param>
/// <param name="State">Pending, firing or resolved.</param>
/// <param name="Value">The aggregated value at the last evaluation; the annotations are rendered with it.</param>
/// <param name="PendingSince">When the condition started holding.</param>
/// <param name="FiredAt">When it fired.</param>
/// <param name="ResolvedAt">When it resolved.</param>
/// <param name="Acknowledgement">Who acknowledged it, when, and why.</param>
/// <param name="Labels">Its labels, <c>alertname</c> and <c>severity</c> included.</param>
/// <param name="Annotations">Its annotations, templates filled in.</param>
public sealed record AlertInstance(
    string Id,
    string Rule,
    AlertSeverity Severity,
    AlertState State,
    double Value,
    DateTimeOffset PendingSince,
    DateTimeOffset? FiredAt,
    DateTimeOffset? ResolvedAt,
    AlertAcknowledgement? Acknowledgement,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations)
{
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
/// <param name="TraceId">The span's trace id, 32 lower-case hex digits.</param>
/// <param name="SpanId">The span's id, 16 lower-case hex digits.</param>
/// <param name="Value">The measurement.</param>
/// <param name="Timestamp">When it was made.</param>
public sealed record AlertExemplar(string TraceId, string SpanId, double Value, DateTimeOffset Timestamp);

/// <summary>An acknowledgement.</summary>
/// <param name="By">Who.</param>
/// <param name="At">When.</param>
/// <param name="Comment">Why, or what is being done.</param>
public sealed record AlertAcknowledgement(string By, DateTimeOffset At, string? Comment);

/// <summary>A notification for the channels: an alert fired or resolved.</summary>
/// <param name="Alert">The alert as it is now.</param>
/// <param name="State">Firing or resolved.</param>
/// <param name="Repeat"><see langword="true"/> when the alert still fires, unacknowledged, a cooldown after its last notification.</param>
public sealed record AlertNotification(AlertInstance Alert, AlertState State, bool Repeat = false);

/// <summary>What the engine has seen.</summary>
/// <param name="BySeverity">Alerts (active and in history) per severity.</param>
/// <param name="ByState">Alerts per state: pending, firing (active now) and resolved (in the history); inactive counts the rules with no active alert now.</param>
/// <param name="Notifications">Notifications sent.</param>
/// <param name="SuppressedByCooldown">Notifications not sent because the cooldown had not passed.</param>
/// <param name="MeanTimeToAcknowledge">Mean time from firing to acknowledgement.</param>
/// <param name="MeanTimeToResolve">Mean time from firing to resolution.</param>
/// <param name="LongestFiring">The longest time an alert fired.</param>
/// <param name="HistoryDropped">Resolved alerts dropped from the bounded history.</param>
public sealed record AlertStatistics(
    IReadOnlyDictionary<AlertSeverity, int> BySeverity,
    IReadOnlyDictionary<AlertState, int> ByState,
    long Notifications,
    long SuppressedByCooldown,
    TimeSpan? MeanTimeToAcknowledge,
    TimeSpan? MeanTimeToResolve,
    TimeSpan? LongestFiring,
    long HistoryDropped);
