namespace AccuScene.Otel.Alerts;

/// <summary>Rules replaced, added or removed at run time, as the exporter follows them.</summary>
internal sealed partial class AlertMetricExporter
{
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
}
