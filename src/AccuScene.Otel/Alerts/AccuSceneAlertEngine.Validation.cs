using System.Globalization;

namespace AccuScene.Otel.Alerts;

/// <summary>What makes a rule valid.</summary>
public sealed partial class AccuSceneAlertEngine
{
    /// <summary>Returns why <paramref name="rule"/> is invalid, or <see langword="null"/>.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>A message naming the rule and the setting, or <see langword="null"/>.</returns>
    public static string? Validate(AlertRule rule)
    {
        if (rule is null)
        {
            return "An alert rule is null.";
        }

        var name = string.IsNullOrWhiteSpace(rule.Name) ? "(unnamed)" : rule.Name;
        return rule switch
        {
            { Name: var n } when string.IsNullOrWhiteSpace(n) => "An alert rule needs a Name.",
            // The name is the alertname label and starts each alert's id, which POST /alerts/{id}/ack carries in its path.
            { Name: var n } when n.Length > MaxNameLength || n.Any(c => char.IsControl(c) || c == '/') =>
                $"Alert rule '{Diagnostics.TextLimits.Cut(n, 64)}': Name must be at most {MaxNameLength} characters, without '/' or control characters.",
            { Metric: var m } when string.IsNullOrWhiteSpace(m) => $"Alert rule '{name}' needs a Metric.",
            { Metric: var m } when m.Length > MaxMetricLength =>
                string.Create(CultureInfo.InvariantCulture, $"Alert rule '{name}': Metric must be at most {MaxMetricLength} characters (an instrument name); it has {m.Length}."),

            // The binder takes numbers for enums too: a number no member has would make a rule that can never fire.
            _ when !Enum.IsDefined(rule.Kind) => Undefined(name, nameof(AlertRule.Kind), rule.Kind),
            _ when !Enum.IsDefined(rule.Aggregation) => Undefined(name, nameof(AlertRule.Aggregation), rule.Aggregation),
            _ when !Enum.IsDefined(rule.Severity) => Undefined(name, nameof(AlertRule.Severity), rule.Severity),
            { Window: var w } when w <= TimeSpan.Zero || w > TimeSpan.FromDays(1) => $"Alert rule '{name}': Window must be between 00:00:00 (exclusive) and 1.00:00:00; it is {w}.",
            { Quantile: var q } when !(q >= 0 && q <= 1) => string.Create(CultureInfo.InvariantCulture, $"Alert rule '{name}': Quantile must be between 0 and 1; it is {q}."),
            { For: var f } when f < TimeSpan.Zero => $"Alert rule '{name}': For must not be negative; it is {f}.",
            { KeepFiringFor: var k } when k < TimeSpan.Zero => $"Alert rule '{name}': KeepFiringFor must not be negative; it is {k}.",
            { Cooldown: var c } when c < TimeSpan.Zero => $"Alert rule '{name}': Cooldown must not be negative; it is {c}.",
            { Threshold: var t } when !double.IsFinite(t) => $"Alert rule '{name}': Threshold must be a finite number.",
            { UpperThreshold: { } upper } when double.IsNaN(upper) => $"Alert rule '{name}': UpperThreshold must be a number; it is NaN.",
            { Kind: AlertThresholdKind.Between or AlertThresholdKind.Outside, UpperThreshold: null } => $"Alert rule '{name}': {rule.Kind} needs an UpperThreshold.",
            { Kind: AlertThresholdKind.Between or AlertThresholdKind.Outside, UpperThreshold: { } u } when !(u >= rule.Threshold) =>
                string.Create(CultureInfo.InvariantCulture, $"Alert rule '{name}': UpperThreshold must be at least Threshold ({rule.Threshold}); it is {u}."),
            { Kind: AlertThresholdKind.PercentageChange, Aggregation: AlertAggregation.Percentile } =>
                $"Alert rule '{name}': PercentageChange cannot compare percentiles; use Average, Sum, Rate or LastValue.",
            { Kind: AlertThresholdKind.RateLimit, Aggregation: AlertAggregation.Percentile } =>
                $"Alert rule '{name}': RateLimit counts measurements, so it takes no percentile; use another Aggregation (it is not read).",
            _ when !Enum.IsDefined(rule.Scope) => Undefined(name, nameof(AlertRule.Scope), rule.Scope),
            { Kind: AlertThresholdKind.PercentageChange or AlertThresholdKind.RateLimit, Threshold: < 0 } => $"Alert rule '{name}': {rule.Kind} needs a Threshold of 0 or more.",
            { Labels: { } labels } when labels.ContainsKey("__name__") =>
                $"Alert rule '{name}': Labels must not set __name__, which Prometheus keeps for the metric's name.",
            _ => BadPairs(name, nameof(AlertRule.Labels), rule.Labels, MaxLabelValueLength)
                ?? BadPairs(name, nameof(AlertRule.Annotations), rule.Annotations, MaxAnnotationValueLength)
                ?? BadTags(name, rule.Tags),
        };
    }

    /// <summary>The longest rule name.</summary>
    internal const int MaxNameLength = 256;

    /// <summary>The longest metric name: OpenTelemetry's bound on an instrument name.</summary>
    internal const int MaxMetricLength = 255;

    /// <summary>The most bytes of resolved alerts the history keeps (<see cref="AlertSize"/>): 16 MiB.</summary>
    internal const long MaxHistoryBytes = 16L * 1024 * 1024;

    /// <summary>The most labels, and the most annotations, a rule may have.</summary>
    internal const int MaxPairs = 32;

    /// <summary>The longest label value: labels identify the alert in Prometheus and Alertmanager.</summary>
    internal const int MaxLabelValueLength = 1_024;

    /// <summary>The longest annotation text, before its values are filled in: it bounds each queued notification.</summary>
    internal const int MaxAnnotationValueLength = 4_096;

    // Label and annotation names go to Prometheus rules and to Alertmanager, which refuse (the whole file, the whole
    // request) a name that is not a Prometheus label name; a name changed on the way (team.name to team_name) could
    // also meet another one.
    private static string? BadPairs(string rule, string setting, Dictionary<string, string> pairs, int maxValueLength)
    {
        if (pairs is null)
        {
            return null;
        }

        if (pairs.Count > MaxPairs)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Alert rule '{rule}': {setting} may hold at most {MaxPairs} entries; it holds {pairs.Count}.");
        }

        foreach (var (key, value) in pairs)
        {
            if (!IsLabelName(key))
            {
                return $"Alert rule '{rule}': {setting} name '{key}' must be a Prometheus label name: letters, digits and _, not starting with a digit.";
            }

            if (value is null || value.Length > maxValueLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Alert rule '{rule}': {setting}:{key} must be text of at most {maxValueLength} characters; it has {value?.Length.ToString(CultureInfo.InvariantCulture) ?? "none"}.");
            }
        }

        return null;
    }

    // Tags are the metric's own tag keys (http.route), any text but empty, with a value to match (empty for a tag
    // without one): a null value would match nothing, and an empty key no tag (Prometheus would refuse its matcher).
    private static string? BadTags(string rule, Dictionary<string, string> tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > MaxPairs)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Alert rule '{rule}': Tags may hold at most {MaxPairs} entries; it holds {tags.Count}.");
        }

        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null || value.Length > MaxLabelValueLength)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Alert rule '{rule}': Tags:{key} needs a tag name and a value of at most {MaxLabelValueLength} characters (empty for a tag without one).");
            }
        }

        return null;
    }

    private static bool IsLabelName(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Undefined<TEnum>(string rule, string setting, TEnum value)
        where TEnum : struct, Enum =>
        string.Create(CultureInfo.InvariantCulture, $"Alert rule '{rule}': {setting} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}; it is {value}.");
}
