using System.Globalization;
using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// Writes alert rules as a Prometheus alerting-rules file, so a fleet can hand the very rules this process
/// evaluates to Prometheus and Alertmanager. Each threshold kind becomes PromQL over the names the
/// OpenTelemetry Prometheus exporter produces. A rule with no PromQL equivalent is written as a comment that
/// says why, never dropped silently.
/// </summary>
public static class PrometheusAlertRules
{
    /// <summary>Writes <paramref name="rules"/> as one rule group.</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="instruments">
    /// The instruments the rules read (for example <see cref="AlertInstrument.Published"/>): their unit and kind
    /// decide the Prometheus names. A rule on an instrument not among them is written as a comment.
    /// </param>
    /// <param name="output">Where the YAML goes.</param>
    /// <param name="group">The group's name. Default: <c>accuscene</c>.</param>
    /// <returns>How many rules were written as rules (the rest are comments).</returns>
    public static int Write(IEnumerable<AlertRule> rules, IEnumerable<AlertInstrument> instruments, TextWriter output, string group = "accuscene")
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(group);
        var byName = new Dictionary<string, AlertInstrument>(StringComparer.Ordinal);
        var known = instruments.ToList();
        if (known.Any(i => i?.Name is null))
        {
            throw new ArgumentException("The instruments must not hold null or unnamed entries.", nameof(instruments));
        }

        foreach (var instrument in known)
        {
            byName.TryAdd(instrument.Name, instrument);
        }

        var written = 0;
        var body = new StringBuilder();
        var skipped = new List<string>();
        foreach (var rule in rules)
        {
            if (AccuSceneAlertEngine.Validate(rule) is { } invalid)
            {
                skipped.Add($"{rule?.Name ?? "(null)"}: {invalid}");
                continue;
            }

            if (!byName.TryGetValue(rule.Metric, out var instrument))
            {
                skipped.Add($"{rule.Name}: the instrument '{rule.Metric}' is not known, so its Prometheus name is not either");
                continue;
            }

            var (expression, unsupported) = PromQlTranslator.Translate(rule, instrument);
            if (expression is null)
            {
                skipped.Add($"{rule.Name}: {unsupported}");
                continue;
            }

            AppendRule(body, rule, expression);
            written++;
        }

        output.Write("# Prometheus alerting rules written by AccuScene.Otel from its alert rules; check with: promtool check rules <file>\n");
        foreach (var reason in skipped)
        {
            output.Write($"# not exported: {OneLine(reason)}\n");
        }

        output.Write("groups:\n");
        output.Write($"  - name: {Quote(group)}\n");
        output.Write(written == 0 ? "    rules: []\n" : "    rules:\n");
        output.Write(body.ToString());
        return written;
    }

    private static void AppendRule(StringBuilder yaml, AlertRule rule, string expression)
    {
        // The alertname is any text to Prometheus, as to the engine: written as it is, so Alertmanager's routes and
        // silences on it catch the in-process alert and Prometheus' alike.
        yaml.Append(CultureInfo.InvariantCulture, $"      - alert: {Quote(rule.Name)}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"        expr: {Quote(expression)}\n");
        if (rule.For > TimeSpan.Zero)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"        for: {PromQlTranslator.Duration(rule.For)}\n");
        }

        if (rule.KeepFiringFor > TimeSpan.Zero)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"        keep_firing_for: {PromQlTranslator.Duration(rule.KeepFiringFor)}\n");
        }

        yaml.Append("        labels:\n");
        yaml.Append(CultureInfo.InvariantCulture, $"          severity: {Quote(rule.Severity.ToString().ToLowerInvariant())}\n");
        foreach (var (key, value) in rule.Labels.Where(l => l.Key is not ("severity" or "alertname")).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            // Prometheus expands label values as templates too: text that holds {{ stays text.
            yaml.Append(CultureInfo.InvariantCulture, $"          {PrometheusNaming.LabelName(key)}: {Quote(Literal(value))}\n");
        }

        if (rule.Annotations.Count > 0)
        {
            yaml.Append("        annotations:\n");
            foreach (var (key, value) in rule.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                yaml.Append(CultureInfo.InvariantCulture, $"          {PrometheusNaming.LabelName(key)}: {Quote(Template(value, rule))}\n");
            }
        }
    }

    // Text in a Go template: an action's opening braces are written by an action that prints them.
    private static string Literal(string text) => text.Replace("{{", "{{ \"{{\" }}", StringComparison.Ordinal);

    // The engine's {value}, {threshold} and {metric} in Prometheus' Go templates, filled in as the engine fills them
    // ("{{value}}" is "{0.25}"); other braces stay text. A '{' just before the value's action is printed by an action
    // too, or Go would read "{{{" as an action holding "{".
    private static string Template(string annotation, AlertRule rule)
    {
        var parts = annotation
            .Replace("{threshold}", PromQlTranslator.Number(rule.Threshold), StringComparison.Ordinal)
            .Replace("{metric}", rule.Metric, StringComparison.Ordinal)
            .Split("{value}");
        var template = new StringBuilder(annotation.Length + 32);
        for (var i = 0; i < parts.Length; i++)
        {
            var text = Literal(parts[i]);
            if (i < parts.Length - 1)
            {
                template.Append(text.EndsWith('{') ? text[..^1] + "{{ \"{\" }}" : text).Append("{{ $value | printf \"%.6g\" }}");
            }
            else
            {
                template.Append(text);
            }
        }

        return template.ToString();
    }

    // A YAML double-quoted scalar: backslash, quote and control characters escaped.
    internal static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\t': builder.Append("\\t"); break;
                case '\r': builder.Append("\\r"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    // YAML also breaks a line at U+2028 and U+2029 (and U+0085, a control character): a comment must hold none.
    internal static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c));
}
