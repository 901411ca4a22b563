using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// Adds the one in-process reader for every <see cref="IInProcessMetricConsumer"/> a feature registered, so
/// OpenTelemetry aggregates each measurement once for all of them (and not at all when there is none).
/// </summary>
internal static class InProcessMetricReader
{
    public static void Add(MeterProviderBuilder builder, IEnumerable<IInProcessMetricConsumer> consumers)
    {
        var active = consumers.Select(c => (Consumer: c, Exporter: c.CreateExporter())).Where(c => c.Exporter is not null).ToList();
        if (active.Count == 0)
        {
            return;
        }

        var interval = active.FirstOrDefault(c => c.Consumer.SetsPace).Consumer?.IntervalMilliseconds
            ?? active.Min(c => c.Consumer.IntervalMilliseconds);
        builder.AddReader(new PeriodicExportingMetricReader(new InProcessMetricExporter([.. active.Select(c => c.Exporter!)]), interval)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        });
    }
}
