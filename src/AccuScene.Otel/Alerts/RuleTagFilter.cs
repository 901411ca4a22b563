using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Whether a metric point carries every tag a rule filters on, each tag read as the percentiles store it
/// (<see cref="TagText"/>): a boolean is <c>true</c> or <c>false</c>, as the Prometheus exporter writes it, so a
/// rule's filter matches the same points in the process and in Prometheus.
/// </summary>
internal static class RuleTagFilter
{
    public static bool Matches(AlertRule rule, in MetricPoint point)
    {
        if (rule.Tags.Count == 0)
        {
            return true;
        }

        var matched = 0;
        foreach (var tag in point.Tags)
        {
            if (rule.Tags.TryGetValue(tag.Key, out var wanted)
                && string.Equals(wanted, TagText.Of(tag.Value) ?? string.Empty, StringComparison.Ordinal))
            {
                matched++;
            }
        }

        return matched == rule.Tags.Count;
    }
}
