using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Resources;
using OpenTelemetry.Resources;

namespace AccuScene.Otel.Alerts;

/// <content>
/// The alerts' <c>job</c> and <c>instance</c> from the provider's resource as built, so they match what every exporter
/// reports, also when the app names the service in code after <c>AddAccuScene()</c>.
/// </content>
internal sealed partial class AlertMetricExporter : IProviderResourceConsumer
{
    /// <inheritdoc/>
    public void OnProviderResource(Resource resource)
    {
        if (AccuSceneResourceDetector.IdentityLabels(resource) is { Count: > 0 } labels)
        {
            _engine.IdentityLabels = labels;
        }

        if (resource.Attributes.FirstOrDefault(a => a.Key == "service.name").Value is string { Length: > 0 } name)
        {
            _engine.ServiceName = name;
        }
    }
}
