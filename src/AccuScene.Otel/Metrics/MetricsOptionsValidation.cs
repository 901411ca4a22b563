using System.Globalization;
using System.Text.RegularExpressions;

namespace AccuScene.Otel.Metrics;

/// <summary>Validation of <c>AccuScene:Metrics</c>.</summary>
internal static partial class MetricsOptionsValidation
{
    public static void Validate(AccuSceneMetricsOptions metrics, string root, List<string> failures)
    {
        var percentiles = metrics.Percentiles.Instruments;
        if (percentiles.Count > 64)
        {
            failures.Add($"{root}:Metrics:Percentiles:Instruments must name at most 64 instruments; it names {percentiles.Count}.");
        }

        for (var i = 0; i < percentiles.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(percentiles[i]) || percentiles[i].Length > 255)
            {
                failures.Add($"{root}:Metrics:Percentiles:Instruments:{i} must be an instrument name of 1 to 255 characters; it is '{percentiles[i]}'.");
            }
        }

        if (metrics.NamePrefix is { } prefix && (prefix.Length > 32 || !NamePrefix().IsMatch(prefix)))
        {
            failures.Add($"{root}:Metrics:NamePrefix must be 1 to 32 lower-case letters, digits, '_' or '.', starting with a letter; it is '{prefix}'.");
        }

        if (metrics.ExemplarFilter is { } filter && !Enum.IsDefined(filter))
        {
            failures.Add($"{root}:Metrics:ExemplarFilter must be AlwaysOff, AlwaysOn or TraceBased; it is {(int)filter}.");
        }

        if (metrics.HistogramBoundaries.Count > 64)
        {
            failures.Add($"{root}:Metrics:HistogramBoundaries must name at most 64 instruments; it names {metrics.HistogramBoundaries.Count}.");
        }

        foreach (var (instrument, boundaries) in metrics.HistogramBoundaries)
        {
            var key = $"{root}:Metrics:HistogramBoundaries:{instrument}";
            if (boundaries is null || boundaries.Length == 0 || boundaries.Length > 64)
            {
                failures.Add($"{key} must list 1 to 64 boundaries.");
                continue;
            }

            for (var i = 0; i < boundaries.Length; i++)
            {
                if (!double.IsFinite(boundaries[i]) || (i > 0 && boundaries[i] <= boundaries[i - 1]))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{i} must be finite and greater than the entry before it (the list must be strictly increasing); it is {boundaries[i]}."));
                    break;
                }
            }
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_.]*$")]
    private static partial Regex NamePrefix();
}
