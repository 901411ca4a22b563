using System.Diagnostics;
using OpenTelemetry;

namespace AccuScene.Otel.Benchmarks;

/// <summary>An exporter that drops everything, so a benchmark measures the pipeline and not I/O.</summary>
internal sealed class NoopExporter : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
}
