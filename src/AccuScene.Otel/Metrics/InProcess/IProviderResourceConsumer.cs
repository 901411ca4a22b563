using OpenTelemetry.Resources;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// An in-process exporter that wants the meter provider's resource as built: the options' service settings, plus
/// whatever the app added after <c>AddAccuScene()</c> (<c>ConfigureResource(r =&gt; r.AddService(…))</c>, other detectors).
/// </summary>
internal interface IProviderResourceConsumer
{
    /// <summary>Called once, at the first collection after the reader joined a provider, before that collection is handed over.</summary>
    /// <param name="resource">The provider's resource.</param>
    void OnProviderResource(Resource resource);
}
