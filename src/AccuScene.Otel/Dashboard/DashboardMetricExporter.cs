using AccuScene.Otel.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>Feeds an <see cref="AccuSceneDashboard"/> from the metric pipeline; never throws into it.</summary>
internal sealed class DashboardMetricExporter(AccuSceneDashboard dashboard) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            dashboard.Aggregate(batch);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.ProcessorFailed("dashboard-exporter", "export", ex);
        }

        return ExportResult.Success;
    }
}
