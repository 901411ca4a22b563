using System.Diagnostics;
using AccuScene.Otel.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// OpenTelemetry's side of the same propagation: W3C baggage through <see cref="BaggagePropagator"/>, with
/// the AccuScene headers added. The current Activity's baggage (which is what System.Diagnostics sends) is
/// merged in, and the AccuScene headers read either baggage, so this propagator and
/// <see cref="AccuSceneDistributedContextPropagator"/> send the same AccuScene headers and the same
/// Activity baggage.
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
        if (setter is null)
        {
            return;
        }

        try
        {
            this.InjectCore(context, carrier, setter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.Rejected("inject");
        }
    }

    private void InjectCore<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        // Activity baggage (what System.Diagnostics propagates) joins OpenTelemetry's, so both
        // propagators send the same baggage; OpenTelemetry's value wins for a key in both, except for the
        // propagated ids (AccuSceneContext.SetCurrent sets them on the activity), where the activity's wins as it
        // does in the propagator HttpClient uses: both send the same x-accuscene-* headers.
        // Added in one step: each SetBaggage copies the whole set. The activity's nearest value of a key wins, keys
        // compared by ordinal as OpenTelemetry's Baggage compares them (since 1.15.1), so Tenant and tenant both go.
        var baggage = context.Baggage;
        if (Activity.Current is { } activity)
        {
            List<KeyValuePair<string, string?>>? missing = null;
            foreach (var (key, value) in activity.Baggage)
            {
                var theirs = value is null ? null : baggage.GetBaggage(key);
                var take = theirs is null || (_headers.IsPropagatedKey(key) && !string.Equals(theirs, value, StringComparison.Ordinal));
                if (value is not null && take && !(missing?.Exists(m => string.Equals(m.Key, key, StringComparison.Ordinal)) ?? false))
                {
                    (missing ??= []).Add(new(key, value));
                }
            }

            if (missing is not null)
            {
                baggage = baggage.SetBaggage(missing);
            }
        }

        foreach (var (header, key) in _headers.Entries)
        {
            if (baggage.GetBaggage(key) is { } value)
            {
                if (PropagatedHeaders.IsValidValue(value))
                {
                    setter(carrier, header, value);
                }
                else
                {
                    AccuSceneSelfDiagnostics.Rejected(header);
                }
            }
        }

        _baggage.Inject(new PropagationContext(context.ActivityContext, baggage), carrier, setter);
    }

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (getter is null)
        {
            return context;
        }

        var result = context;
        try
        {
            result = _baggage.Extract(context, carrier, getter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.Rejected("baggage");
        }

        // Held to the rules of the x-accuscene-* headers, like the System.Diagnostics side (W3C properties left off).
        var baggage = result.Baggage;
        foreach (var (_, key) in _headers.Entries)
        {
            if (baggage.GetBaggage(key) is not { } carried)
            {
                continue;
            }

            var id = PropagatedHeaders.WithoutProperties(carried);
            if (!PropagatedHeaders.IsValidValue(id))
            {
                baggage = baggage.RemoveBaggage(key);
                AccuSceneSelfDiagnostics.Rejected("baggage");
            }
            else if (!ReferenceEquals(id, carried))
            {
                baggage = baggage.SetBaggage(key, id);
            }
        }

        foreach (var (header, key) in _headers.Entries)
        {
            string? value;
            try
            {
                value = PropagatedHeaders.Single(getter(carrier, header));
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
