using AccuScene.Otel.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>The exemplar each rule shows: the trace behind its value.</summary>
internal sealed partial class AlertMetricExporter
{
    // The exemplar behind the value: for a histogram's percentile or mean, among the new measurements on the
    // alerting side of the value (at or above it; at or below it for LessThan), the one nearest to it; for counts,
    // counters and gauges, the newest. With none, the rule keeps the one it has.
    private void NoteExemplar(RuleSample sample, double value)
    {
        var rule = sample.Rule;
        var below = rule.Kind == AlertThresholdKind.LessThan;
        ExemplarCandidate? chosen = null;
        foreach (var candidate in sample.Exemplars)
        {
            if (double.IsNaN(value))
            {
                chosen = chosen is null || candidate.Timestamp > chosen.Value.Timestamp ? candidate : chosen;
            }
            else if ((below ? candidate.Value <= value : candidate.Value >= value)
                && (chosen is null || Math.Abs(candidate.Value - value) < Math.Abs(chosen.Value.Value - value)))
            {
                chosen = candidate;
            }
        }

        if (chosen is { } c)
        {
            _engine.NoteExemplar(rule, new AlertExemplar(c.TraceId.ToHexString(), c.SpanId.ToHexString(), c.Value, c.Timestamp));
        }
    }
}
