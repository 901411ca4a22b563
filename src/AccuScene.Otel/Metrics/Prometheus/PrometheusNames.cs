using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.Prometheus;

/// <summary>
/// Keeps the scrape output clean for <c>promtool check metrics</c>, which rejects a gauge whose name ends in
/// <c>_count</c> (a suffix Prometheus reserves for histograms and summaries). A few <c>System.Runtime</c>
/// instruments are named that way (<c>dotnet.assembly.count</c>, ...); with the Prometheus endpoint on, they
/// are renamed by a view. The rename applies to every exporter of the provider, OTLP included.
/// </summary>
internal static class PrometheusNames
{
    private const string RuntimeMeter = "System.Runtime";
    private const string CountSuffix = ".count";

    private static readonly Dictionary<string, string> KnownRenames = new(StringComparer.Ordinal)
    {
        ["dotnet.assembly.count"] = "dotnet.assembly.loaded",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpu.cores",
        ["dotnet.timer.count"] = "dotnet.timer.active",
        ["dotnet.thread_pool.thread.count"] = "dotnet.thread_pool.threads",
    };

    public static MetricStreamConfiguration? RenameRuntimeCountGauges(Instrument instrument)
    {
        if (instrument.Meter.Name != RuntimeMeter
            || !instrument.Name.EndsWith(CountSuffix, StringComparison.Ordinal)
            || IsMonotonicOrHistogram(instrument))
        {
            return null;
        }

        var name = KnownRenames.TryGetValue(instrument.Name, out var known)
            ? known
            : instrument.Name[..^CountSuffix.Length] + ".current";
        return new MetricStreamConfiguration { Name = name };
    }

    // Counters become *_total and histograms keep _count for their own series; only gauges clash.
    private static bool IsMonotonicOrHistogram(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return false;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) || definition == typeof(Histogram<>);
    }
}
