using System.Globalization;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Whether a metric point carries every tag a rule filters on. A boolean tag is <c>true</c> or <c>false</c>, as
/// the Prometheus exporter writes it, so a rule's filter matches the same points in the process and in Prometheus.
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
                && string.Equals(wanted, tag.Value is bool flag ? (flag ? "true" : "false") : tag.Value as string ?? Convert.ToString(tag.Value, CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                matched++;
            }
        }

        return matched == rule.Tags.Count;
    }
}
