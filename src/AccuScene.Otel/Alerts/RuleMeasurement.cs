namespace AccuScene.Otel.Alerts;

/// <summary>
/// What a rule's samples depend on: metric, tags, aggregation, quantile, window, scope and kind. An edit that keeps
/// them (a threshold, a severity, an annotation) keeps the samples, the percentile window and the alert, in the
/// engine and in the exporter alike.
/// </summary>
internal static class RuleMeasurement
{
    public static bool Same(AlertRule a, AlertRule b) =>
        ReferenceEquals(a, b)
        || (a.Metric == b.Metric
            && a.Aggregation == b.Aggregation
            && a.Quantile.Equals(b.Quantile)
            && a.Window == b.Window
            && a.Scope == b.Scope
            && a.Kind == b.Kind
            && LabelSets.Equal(a.Tags, b.Tags));
}
