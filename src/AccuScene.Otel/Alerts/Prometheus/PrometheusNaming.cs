using System.Text;

namespace AccuScene.Otel.Alerts.Prometheus;

/// <summary>
/// The names the OpenTelemetry Prometheus exporter gives instruments and tags, following the OpenTelemetry
/// specification's Prometheus compatibility rules: invalid characters become one <c>_</c> (a leading digit gets a
/// <c>_</c> before it), the unit (annotations in braces dropped, abbreviations spelled out, <c>a/b</c> as
/// <c>a_per_b</c>) is appended unless the name ends with it (or, for a counter, with it and <c>_total</c>), and
/// counters end in <c>_total</c> unless they already do. Unit <c>1</c> adds nothing (this exporter version writes no
/// <c>_ratio</c>). Checked against the exporter's real output by the demo's Prometheus test and
/// <c>PrometheusNamingTests</c>.
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
        var name = Sanitize(instrument.Name);
        if (!string.IsNullOrEmpty(instrument.Unit))
        {
            var unit = Unit(instrument.Unit);
            var counter = instrument.Kind == AlertInstrumentKind.Counter;
            if (unit.Length > 0 && !name.EndsWith(unit, StringComparison.Ordinal) && !(counter && name.EndsWith(unit + "_total", StringComparison.Ordinal)))
            {
                name += "_" + unit;
            }
        }

        if (instrument.Kind == AlertInstrumentKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
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
                builder.Append('_').Append(c);
                underscore = false;
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

    public static string LabelName(string tag) => Sanitize(tag).Replace(':', '_');

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
