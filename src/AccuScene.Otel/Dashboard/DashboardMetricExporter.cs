using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Metrics.InProcess;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AccuScene.Otel.Dashboard;

/// <summary>Feeds an <see cref="AccuSceneDashboard"/> from the metric pipeline; never throws into it.</summary>
internal sealed class DashboardMetricExporter(AccuSceneDashboard dashboard) : BaseExporter<Metric>, IProviderResourceConsumer
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

    /// <inheritdoc/>
    /// <remarks>The page names the service as its spans and alerts do, also when the app names it in code after <c>AddAccuScene()</c>.</remarks>
    public void OnProviderResource(Resource resource)
    {
        if (resource.Attributes.FirstOrDefault(a => a.Key == "service.name").Value is string { Length: > 0 } name)
        {
            dashboard.Service = name;
        }
    }
}
