using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Alerts;

/// <summary>Rules replaced, added or removed at run time, as the exporter follows them.</summary>
internal sealed partial class AlertMetricExporter
{
    // The rules before the last change of the set, and the export that applied it (-1: none yet).
    private Dictionary<string, AlertRule> _rulesBefore = new(StringComparer.Ordinal);
    private int _rulesChangedAt = -1;

    // Rules replaced, added or removed at run time: read the new set, and forget what was accumulated for rules
    // that left it or changed (an unchanged rule keeps its AlertRule, and so its sample and window).
    private void FollowRuleChanges()
    {
        var version = _engine.RulesVersion;
        if (version == _rulesVersion)
        {
            return;
        }

        var rules = _engine.RunningRules;
        _rulesBefore = _rules.SelectMany(g => g).ToDictionary(r => r.Name, StringComparer.Ordinal);
        _rulesChangedAt = _exports;
        _rules = rules.ToLookup(r => r.Metric, StringComparer.Ordinal);
        _rulesVersion = version;
        var kept = rules.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var gone = _samples.Keys.Concat(_quantiles.Keys)
            .Where(n => !kept.TryGetValue(n, out var rule) || (_samples.TryGetValue(n, out var sample) && !RuleMeasurement.Same(rule, sample.Rule)))
            .ToList();
        foreach (var name in gone)
        {
            _samples.Remove(name);
            _quantiles.Remove(name);
        }

        // An edit that measures the same way (a threshold, a severity, an annotation) keeps its sample and percentile
        // window, as the engine keeps its samples and alert: the edited rule reads on where the old one was.
        foreach (var sample in _samples.Values)
        {
            sample.Rule = kept[sample.Rule.Name];
        }

        _warnAt = _exports + 3; // rules new to the set get their own three evaluations before the warning
        _seen.Clear();
    }

    // A rule's sample starts at the first export that has its metric. A rule of the provider's start reads everything
    // since then (the cumulative state began with it); one added or changed later takes its first export as the
    // baseline, or it would read the process's lifetime. But a rule that already measured the same way at the export
    // before, which lacked the metric, reads a synchronous instrument's first points as new: OpenTelemetry leaves a
    // metric with no point out of an export, so a counter's first failures, ten minutes after the start, are its
    // first events, not a baseline. An observable counter's first total may be a whole lifetime: still a baseline.
    private RuleSample NewSample(AlertRule rule, Metric metric)
    {
        var ranBefore = _exports > 0
            && (_rulesChangedAt != _exports || (_rulesBefore.TryGetValue(rule.Name, out var before) && RuleMeasurement.Same(before, rule)))
            && SynchronousInstruments.All(metric.Name);
        var sample = new RuleSample(rule) { PreviousCount = _fromStart.Contains(rule) || ranBefore ? 0 : -1 };
        if (ranBefore)
        {
            sample.FollowsAnExportWithout(_exports - 1);
        }

        return sample;
    }
}
