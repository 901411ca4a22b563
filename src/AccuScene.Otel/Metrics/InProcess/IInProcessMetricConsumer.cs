using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// A feature that reads the collections of the one in-process reader. A feature registers its consumer as a
/// service; the metrics feature builds the reader from every registered consumer, so it knows none of them.
/// </summary>
internal interface IInProcessMetricConsumer
{
    /// <summary>
    /// Gets the collection interval the consumer asks for, in milliseconds. When a consumer
    /// <see cref="SetsPace"/>, the reader collects at its interval; otherwise at the shortest one asked for.
    /// </summary>
    int IntervalMilliseconds { get; }

    /// <summary>Gets a value indicating whether the reader must collect at exactly this consumer's interval (the dashboard sizes its history by it).</summary>
    bool SetsPace { get; }

    /// <summary>Creates the exporter each collection is handed to, or <see langword="null"/> when the feature is off for this provider.</summary>
    BaseExporter<Metric>? CreateExporter();
}
