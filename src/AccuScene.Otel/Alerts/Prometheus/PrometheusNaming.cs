using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// The names a real Prometheus stores for what the OpenTelemetry Prometheus exporter writes. Prometheus asks for
/// OpenMetrics, and the exporter's OpenMetrics names differ from its plain-text ones for a counter whose name holds
/// <c>total</c>: a counter's own <c>_total</c> suffix is dropped first; invalid characters become <c>_</c> (a run
/// of them one, and in a metric name an underscore is one of them); the unit (annotations in braces dropped, abbreviations spelled out,
/// <c>a/b</c> as <c>a_per_b</c>, cleaned like a name) is appended unless the name ends with it; a counter then ends
/// in exactly one <c>_total</c>. Unit <c>1</c> adds nothing (this exporter version writes no <c>_ratio</c>). Tag keys
/// are cleaned the same way but keep an underscore as written and take no <c>:</c>; a leading digit gets a <c>_</c> before it, an empty key is <c>_</c>.
/// Checked against the exporter's OpenMetrics scrape by <c>PrometheusNamingScrapeTests</c>, and against a real
/// Prometheus by the fleet tests.
/// </summary>
internal static class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["B"] = "bytes",
        ["KB"] = "kilobytes",
        ["MB"] = "megabytes",
        ["GB"] = "gigabytes",
        ["TB"] = "terabytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TiBy"] = "tibibytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["1"] = string.Empty,
        ["%"] = "percent",
        ["$"] = "dollars",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    public static string MetricName(AlertInstrument instrument)
    {
        var counter = instrument.Kind == AlertInstrumentKind.Counter;
        var name = counter && instrument.Name.EndsWith(TotalSuffix, StringComparison.Ordinal) ? instrument.Name[..^TotalSuffix.Length] : instrument.Name;
        name = Sanitize(name, label: false);
        if (!string.IsNullOrEmpty(instrument.Unit) && Unit(instrument.Unit) is { Length: > 0 } unit && !name.EndsWith(unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        return counter ? (name.EndsWith(TotalSuffix, StringComparison.Ordinal) ? name[..^TotalSuffix.Length] : name) + TotalSuffix : name;
    }

    /// <summary>The label a tag key becomes.</summary>
    public static string LabelName(string tag) => tag.Length == 0 ? "_" : Sanitize(tag, label: true);

    private const string TotalSuffix = "_total";

    // A run of invalid characters becomes one '_'. In a metric name '_' counts as one of them ("a__b" is "a_b"); a
    // label keeps a written '_' ("a__b" stays, "a._b" is "a__b") but writes none after one ("a_.b" is "a_b"), and
    // takes no ':'. A leading digit gets a '_' before it.
    private static string Sanitize(string name, bool label)
    {
        var builder = new StringBuilder(name.Length + 1);
        var underscore = false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i == 0 && char.IsAsciiDigit(c))
            {
                builder.Append('_').Append(c);
                underscore = false;
            }
            else if (char.IsAsciiLetterOrDigit(c) || (label ? c == '_' : c == ':'))
            {
                builder.Append(c);
                underscore = c == '_';
            }
            else if (!underscore)
            {
                builder.Append('_');
                underscore = true;
            }
        }

        return builder.ToString();
    }

    private static string Unit(string unit)
    {
        var plain = new StringBuilder();
        var depth = 0;
        foreach (var c in unit)
        {
            depth += c == '{' ? 1 : 0;
            if (depth == 0)
            {
                plain.Append(c);
            }

            depth -= c == '}' && depth > 0 ? 1 : 0;
        }

        var text = plain.ToString();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && slash < text.Length - 1)
        {
            var per = text[(slash + 1)..];
            return Clean(Map(text[..slash]) + "_per_" + PerUnits.GetValueOrDefault(per, per));
        }

        return Map(text);

        static string Map(string unit) => Clean(Units.GetValueOrDefault(unit, unit));
    }

    // A unit is cleaned as a name is, without its underscores at either end ("m²" is "m").
    private static string Clean(string unit) => Sanitize(unit, label: false).Trim('_');
}
