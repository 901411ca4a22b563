using AccuScene.Otel.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// The exporter of the one in-process reader: every collection is aggregated once by OpenTelemetry and then
/// handed to each consumer (the alert rules, the dashboard), so an in-process feature costs no aggregation per
/// measurement of its own. The reader collects at the shortest consumer interval, and every consumer gets every
/// collection (a forced flush included): alert rules are evaluated at each one. A consumer that throws costs
/// only its own turn, counted; the others still get the batch.
/// </summary>
internal sealed class InProcessMetricExporter(IReadOnlyList<BaseExporter<Metric>> consumers) : BaseExporter<Metric>
{
    private bool _resourceGiven;

    public override ExportResult Export(in Batch<Metric> batch)
    {
        if (!_resourceGiven && this.ParentProvider is { } provider)
        {
            _resourceGiven = true;
            this.GiveResource(provider.GetResource());
        }

        foreach (var consumer in consumers)
        {
            try
            {
                consumer.Export(batch);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("in-process-reader", "export", ex);
            }
        }

        return ExportResult.Success;
    }

    private void GiveResource(OpenTelemetry.Resources.Resource resource)
    {
        foreach (var consumer in consumers)
        {
            try
            {
                (consumer as IProviderResourceConsumer)?.OnProviderResource(resource);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("in-process-reader", "resource", ex);
            }
        }
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        // One consumer's failure neither throws into the provider's shutdown nor keeps the others from shutting down.
        var result = true;
        foreach (var consumer in consumers)
        {
            try
            {
                result &= consumer.Shutdown(timeoutMilliseconds);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.ProcessorFailed("in-process-reader", "shutdown", ex);
                result = false;
            }
        }

        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var consumer in consumers)
            {
                try
                {
                    consumer.Dispose();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    AccuSceneSelfDiagnostics.ProcessorFailed("in-process-reader", "dispose", ex);
                }
            }
        }

        base.Dispose(disposing);
    }
}
