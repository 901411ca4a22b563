using System.Diagnostics;
using AccuScene.Otel.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// OpenTelemetry's side of the same propagation: W3C baggage through <see cref="BaggagePropagator"/>, with
/// the AccuScene headers added. Activity baggage set through <c>AccuSceneContext</c> is included, so this
/// propagator and <see cref="AccuSceneDistributedContextPropagator"/> put the same headers on the wire.
/// </summary>
internal sealed class AccuSceneTextMapPropagator : TextMapPropagator
{
    private readonly BaggagePropagator _baggage = new();
    private readonly PropagatedHeaders _headers;
    private readonly ISet<string> _fields;

    public AccuSceneTextMapPropagator(PropagatedHeaders headers)
    {
        _headers = headers;
        _fields = new HashSet<string>([.. _baggage.Fields, .. headers.HeaderNames], StringComparer.Ordinal);
    }

    public override ISet<string> Fields => _fields;

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        ArgumentNullException.ThrowIfNull(setter);
        var baggage = context.Baggage;
        var activity = Activity.Current;
        foreach (var (header, key) in _headers.Entries)
        {
            var value = baggage.GetBaggage(key);
            if (value is null && activity is not null)
            {
                value = activity.GetBaggageItem(key);
                if (value is not null)
                {
                    baggage = baggage.SetBaggage(key, value);
                }
            }

            if (value is not null && PropagatedHeaders.IsValidValue(value))
            {
                setter(carrier, header, value);
            }
        }

        _baggage.Inject(new PropagationContext(context.ActivityContext, baggage), carrier, setter);
    }

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        ArgumentNullException.ThrowIfNull(getter);
        var result = context;
        try
        {
            result = _baggage.Extract(context, carrier, getter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.Rejected("baggage");
        }

        var baggage = result.Baggage;
        foreach (var (header, key) in _headers.Entries)
        {
            string? value;
            try
            {
                value = getter(carrier, header)?.FirstOrDefault();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                AccuSceneSelfDiagnostics.Rejected(header);
                continue;
            }

            if (value is null)
            {
                continue;
            }

            if (!PropagatedHeaders.IsValidValue(value))
            {
                AccuSceneSelfDiagnostics.Rejected(header);
                continue;
            }

            baggage = baggage.SetBaggage(key, value);
        }

        return new PropagationContext(result.ActivityContext, baggage);
    }
}
