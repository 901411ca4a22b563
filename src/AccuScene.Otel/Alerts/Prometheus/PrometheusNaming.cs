using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// The names the OpenTelemetry Prometheus exporter gives instruments and tags, following the OpenTelemetry
/// specification's Prometheus compatibility rules: invalid characters become one <c>_</c>, the unit (annotations
/// in braces dropped, abbreviations spelled out, <c>a/b</c> as <c>a_per_b</c>) is appended unless the name holds it,
/// and counters end in <c>_total</c>. Unit <c>1</c> adds nothing (this exporter version writes no <c>_ratio</c>).
/// Checked against the exporter's real output by the demo's Prometheus test.
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
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
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
        var name = Sanitize(instrument.Name);
        if (!string.IsNullOrEmpty(instrument.Unit))
        {
            var unit = Unit(instrument.Unit);
            if (unit.Length > 0 && !name.Contains(unit, StringComparison.Ordinal))
            {
                name += "_" + unit;
            }
        }

        if (instrument.Kind == AlertInstrumentKind.Counter && !name.Contains("total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return Sanitize(name);
    }

    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        var underscore = false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i == 0 && char.IsAsciiDigit(c))
            {
                builder.Append('_');
                underscore = true;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == ':')
            {
                builder.Append(c);
                underscore = false;
            }
            else if (!underscore)
            {
                builder.Append('_');
                underscore = true;
            }
        }

        return builder.ToString();
    }

    public static string LabelName(string tag)
    {
        var name = Sanitize(tag).Replace(':', '_');
        return name.Length > 0 && char.IsAsciiDigit(name[0]) ? "_" + name : name;
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
            return Map(text[..slash]) + "_per_" + PerUnits.GetValueOrDefault(per, per);
        }

        return Map(text);

        static string Map(string unit) => Units.GetValueOrDefault(unit, unit);
    }
}
