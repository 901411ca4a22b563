using System.Diagnostics;
using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// The process-wide <see cref="DistributedContextPropagator"/> that HttpClient and ASP.NET Core use: W3C
/// trace context and baggage from System.Diagnostics, plus the AccuScene headers, which are written both
/// as their own headers and as baggage so a W3C-only hop still forwards them. Malformed input never
/// throws: it is dropped, counted, and the trace restarts.
/// </summary>
internal sealed class AccuSceneDistributedContextPropagator : DistributedContextPropagator
{
    private readonly DistributedContextPropagator _w3c;
    private readonly PropagatedHeaders _headers;
    private readonly IReadOnlyCollection<string> _fields;

    public AccuSceneDistributedContextPropagator(PropagatedHeaders headers)
        : this(CreateW3CPropagator(), headers)
    {
    }

    internal AccuSceneDistributedContextPropagator(DistributedContextPropagator w3c, PropagatedHeaders headers)
    {
        _w3c = w3c;
        _headers = headers;
        _fields = [.. w3c.Fields, .. headers.HeaderNames];
    }

    public override IReadOnlyCollection<string> Fields => _fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        _w3c.Inject(activity, carrier, setter);
        if (activity is null || setter is null)
        {
            return;
        }

        // One walk over the baggage chain (nearest first, as GetBaggageItem reads it) for all headers.
        var entries = _headers.Entries;
        Span<bool> written = stackalloc bool[entries.Length];
        foreach (var (key, value) in activity.Baggage)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if (!written[i] && string.Equals(entries[i].Key, key, StringComparison.Ordinal))
                {
                    written[i] = true;
                    if (PropagatedHeaders.IsValidValue(value))
                    {
                        setter(carrier, entries[i].Header, value!);
                    }
                }
            }
        }
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
        try
        {
            _w3c.ExtractTraceIdAndState(carrier, getter, out var parent, out var state);
            if (parent is null)
            {
                return;
            }

            if (!W3CTraceParent.IsValid(parent) || !ActivityContext.TryParse(parent, null, isRemote: true, out _))
            {
                AccuSceneSelfDiagnostics.Rejected("traceparent");
                return;
            }

            traceId = parent;
            if (W3CTraceParent.IsAcceptableTraceState(state))
            {
                traceState = state;
            }
            else
            {
                AccuSceneSelfDiagnostics.Rejected("tracestate");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.Rejected("traceparent");
            traceId = null;
            traceState = null;
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        List<KeyValuePair<string, string?>>? result = null;
        try
        {
            var baggage = _w3c.ExtractBaggage(carrier, getter);
            if (baggage is not null)
            {
                // The W3C propagator hands back a fresh list per call; take it over instead of copying.
                result = baggage as List<KeyValuePair<string, string?>> ?? [.. baggage];
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.Rejected("baggage");
        }

        if (getter is null)
        {
            return result;
        }

        foreach (var (header, key) in _headers.Entries)
        {
            string? value;
            try
            {
                getter(carrier, header, out value, out var values);
                value ??= values?.FirstOrDefault();
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

            result ??= [];
            Upsert(result, key, value);
        }

        return result;
    }

    private static void Upsert(List<KeyValuePair<string, string?>> items, string key, string value)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                items.RemoveAt(i);
            }
        }

        items.Add(new(key, value));
    }
}
