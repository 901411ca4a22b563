using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>
/// Whether a metric point carries every tag a rule filters on, each tag read as the percentiles store it
/// (<see cref="TagText"/>): a boolean is <c>true</c> or <c>false</c>, as the Prometheus exporter writes it, so a
/// rule's filter matches the same points in the process and in Prometheus. A value is compared without making its
/// text (a status code of 404 costs nothing); a tag with no value matches an empty one. A filter with an empty value
/// also matches a point without that tag, as its exported label matcher does: Prometheus keeps no empty label.
/// </summary>
internal static class RuleTagFilter
{
    /// <summary>Whether <paramref name="point"/> matches <paramref name="rule"/>'s tags.</summary>
    /// <param name="rule">The rule.</param>
    /// <param name="point">The point.</param>
    /// <param name="buffer">A buffer of <see cref="TagText.BufferLength"/> characters.</param>
    /// <param name="unreadable">
    /// Set when a filtered tag's value has no text to read (the app's object, whose <c>ToString</c> threw): the
    /// point matches nothing, and the caller counts it, rather than one proxy whose context is gone stopping the export.
    /// </param>
    public static bool Matches(AlertRule rule, in MetricPoint point, Span<char> buffer, out bool unreadable)
    {
        unreadable = false;
        if (rule.Tags.Count == 0)
        {
            return true;
        }

        var matched = 0;
        var emptySeen = 0;
        foreach (var tag in point.Tags)
        {
            if (!rule.Tags.TryGetValue(tag.Key, out var wanted))
            {
                continue;
            }

            emptySeen += wanted.Length == 0 ? 1 : 0;

            try
            {
                if (tag.Value is null ? wanted.Length == 0 : TagText.Equals(wanted, tag.Value, buffer))
                {
                    matched++;
                }
            }
#pragma warning disable CA1031 // Application code must not stop the alert rules.
            catch (Exception)
#pragma warning restore CA1031
            {
                unreadable = true;
                return false;
            }
        }

        return matched + EmptyValues(rule) - emptySeen == rule.Tags.Count;
    }

    private static int EmptyValues(AlertRule rule)
    {
        var empty = 0;
        foreach (var (_, wanted) in rule.Tags)
        {
            empty += wanted.Length == 0 ? 1 : 0;
        }

        return empty;
    }
}
