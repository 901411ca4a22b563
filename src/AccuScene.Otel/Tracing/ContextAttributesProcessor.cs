using System.Diagnostics;
using AccuScene.Otel.Processing;
using AccuScene.Otel.Propagation;
using OpenTelemetry;

namespace AccuScene.Otel.Tracing;

/// <summary>
/// Turns propagated AccuScene context (scene, session, configured headers) into span attributes on the
/// spans where it arrives: server and consumer spans, and spans with a remote parent. Internal and client
/// spans are left alone (the span helpers tag their own), so the common path does no baggage lookup.
/// </summary>
internal sealed class ContextAttributesProcessor : AccuSceneProcessor<Activity>
{
    private readonly PropagatedHeaders _headers;

    public ContextAttributesProcessor(PropagatedHeaders headers)
        : base(nameof(ContextAttributesProcessor))
    {
        _headers = headers;
    }

    protected override void OnStartCore(Activity data) => this.Apply(data);

    // Baggage added after the span started (by the application, or by a host that extracts late) is
    // picked up at the end; tags already set are skipped.
    protected override void OnEndCore(Activity data) => this.Apply(data);

    private void Apply(Activity activity)
    {
        if (!activity.HasRemoteParent && activity.Kind is not (ActivityKind.Server or ActivityKind.Consumer))
        {
            return;
        }

        foreach (var (_, key) in _headers.Entries)
        {
            if (activity.GetTagItem(key) is not null)
            {
                continue;
            }

            var value = activity.GetBaggageItem(key) ?? Baggage.GetBaggage(key);
            if (value is not null && PropagatedHeaders.IsValidValue(value))
            {
                activity.SetTag(key, value);
            }
        }
    }
}
