using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// Writes a <c>promtool test rules</c> file for the rules <see cref="PrometheusAlertRules"/> exports, from the same
/// definitions: for every rule one case whose input stays on the quiet side of the threshold and must not fire, and
/// one that crosses it and must fire once <c>for</c> has passed, with the labels and annotations expected. A
/// <see cref="AlertScope.Fleet"/> rule's crossing case has two instances and expects one alert without
/// <c>instance</c>. A rule that cannot be tested this way is written as a comment that says why.
/// </summary>
public static class PrometheusRuleTests
{
    private const string Job = "accuscene";

    /// <summary>Writes the test file.</summary>
    /// <param name="rules">The rules, as given to <see cref="PrometheusAlertRules.Write"/>.</param>
    /// <param name="instruments">The instruments, as given to <see cref="PrometheusAlertRules.Write"/>.</param>
    /// <param name="rulesFile">The rules file's path as promtool should open it, relative to the test file.</param>
    /// <param name="output">Where the YAML goes.</param>
    /// <returns>How many rules have test cases.</returns>
    public static int Write(IEnumerable<AlertRule> rules, IEnumerable<AlertInstrument> instruments, string rulesFile, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentException.ThrowIfNullOrWhiteSpace(rulesFile);
        ArgumentNullException.ThrowIfNull(output);
        var byName = new Dictionary<string, AlertInstrument>(StringComparer.Ordinal);
        foreach (var instrument in instruments)
        {
            if (instrument?.Name is null)
            {
                throw new ArgumentException("The instruments must not hold null or unnamed entries.", nameof(instruments));
            }

            byName.TryAdd(instrument.Name, instrument);
        }

        var body = new StringBuilder();
        var skipped = new List<string>();
        var tested = 0;
        foreach (var rule in rules)
        {
            if (AccuSceneAlertEngine.Validate(rule) is not null || !byName.TryGetValue(rule.Metric, out var instrument)
                || PromQlTranslator.Translate(rule, instrument).Expression is null)
            {
                continue; // not exported, so nothing to test; the rules file says why
            }

            var cases = RuleTestCases.For(rule, instrument);
            if (cases.Unsupported is { } why)
            {
                skipped.Add($"{rule.Name}: {why}");
                continue;
            }

            foreach (var testCase in cases.Cases!)
            {
                AppendCase(body, rule, instrument, testCase);
            }

            tested++;
        }

        output.Write("# promtool unit tests written by AccuScene.Otel from its alert rules; run: promtool test rules <this file>\n");
        output.Write("# Only in process, so not tested here: Cooldown (Alertmanager's repeat_interval plays its part) and\n");
        output.Write("# acknowledgement (an Alertmanager silence plays its part). Series are labelled job and instance as a scrape labels them.\n");
        foreach (var reason in skipped)
        {
            output.Write($"# not tested: {OneLine(reason)}\n");
        }

        output.Write($"rule_files:\n  - {Quote(rulesFile)}\n");
        output.Write($"evaluation_interval: {PromQlTranslator.Duration(RuleTestSeries.Step)}\n");
        output.Write(tested == 0 ? "tests: []\n" : "tests:\n");
        output.Write(body.ToString());
        return tested;
    }

    private static void AppendCase(StringBuilder yaml, AlertRule rule, AlertInstrument instrument, RuleTestCase testCase)
    {
        var name = rule.Name;
        yaml.Append(CultureInfo.InvariantCulture, $"  # {OneLine(rule.Name)}: {testCase.Description}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - interval: {PromQlTranslator.Duration(RuleTestSeries.Step)}\n");
        yaml.Append("    input_series:\n");
        for (var i = 0; i < testCase.Series.Count; i++)
        {
            var (level, growth) = testCase.Series[i];
            var (series, _) = RuleTestSeries.For(rule, instrument, Labels(rule, i), level, growth, testCase.Samples);
            foreach (var (selector, values) in series!)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"      - series: {Quote(selector)}\n");
                yaml.Append(CultureInfo.InvariantCulture, $"        values: {Quote(values)}\n");
            }
        }

        yaml.Append("    alert_rule_test:\n");
        if (testCase.Fires && rule.For >= 2 * RuleTestSeries.Step)
        {
            // Crossed, but not for long enough yet: pending, not firing.
            yaml.Append(CultureInfo.InvariantCulture, $"      - eval_time: {PromQlTranslator.Duration(RuleTestSeries.Step)}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"        alertname: {Quote(name)}\n");
            yaml.Append("        exp_alerts: []\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"      - eval_time: {PromQlTranslator.Duration(testCase.EvalTime)}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"        alertname: {Quote(name)}\n");
        if (!testCase.Fires)
        {
            yaml.Append("        exp_alerts: []\n");
            return;
        }

        yaml.Append("        exp_alerts:\n");
        yaml.Append("          - exp_labels:\n");
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["severity"] = rule.Severity.ToString().ToLowerInvariant(),
            ["job"] = Job,
        };
        if (rule.Scope == AlertScope.Instance)
        {
            labels["instance"] = Instance(0);
        }

        foreach (var (key, value) in rule.Labels.Where(l => l.Key is not ("severity" or "alertname")))
        {
            labels[PrometheusNaming.LabelName(key)] = value;
        }

        foreach (var (key, value) in labels)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"              {key}: {Quote(value)}\n");
        }

        if (rule.Annotations.Count > 0)
        {
            yaml.Append("            exp_annotations:\n");
            foreach (var (key, value) in rule.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                yaml.Append(CultureInfo.InvariantCulture, $"              {PrometheusNaming.LabelName(key)}: {Quote(Rendered(value, rule, testCase.ExpectedValue))}\n");
            }
        }
    }

    private static string Labels(AlertRule rule, int instance)
    {
        var labels = new StringBuilder($"job=\"{Job}\",instance=\"{Instance(instance)}\"");
        foreach (var (key, value) in rule.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            labels.Append(',').Append(PrometheusNaming.LabelName(key)).Append("=\"")
                .Append(PromQlExpressions.LabelValue(value)).Append('"');
        }

        return labels.ToString();
    }

    private static string Instance(int index) => string.Create(CultureInfo.InvariantCulture, $"replica-{index + 1}");

    // The annotation as Prometheus renders the exported template: {value} through Go's printf "%.6g".
    private static string Rendered(string annotation, AlertRule rule, double value) =>
        annotation
            .Replace("{value}", GoFloatText.G6(value), StringComparison.Ordinal)
            .Replace("{threshold}", PromQlTranslator.Number(rule.Threshold), StringComparison.Ordinal)
            .Replace("{metric}", rule.Metric, StringComparison.Ordinal);

    private static string Quote(string text) => PrometheusAlertRules.Quote(text);

    private static string OneLine(string text) => PrometheusAlertRules.OneLine(text);
}
