using System.Diagnostics;
using AccuScene.Otel.Diagnostics;
using OpenTelemetry;

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
        if (setter is null)
        {
            return;
        }

        try
        {
            _w3c.Inject(activity, carrier, setter);
            if (activity is not null)
            {
                this.InjectHeaders(activity, carrier, setter);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failing carrier must not fail the caller's request: it simply goes without context.
            AccuSceneSelfDiagnostics.Rejected("inject");
        }
    }

    private void InjectHeaders(Activity activity, object? carrier, PropagatorSetterCallback setter)
    {
        // One walk over the baggage chain (nearest first, as GetBaggageItem reads it, which would walk and
        // allocate once per key), stopping when every header is found; a key the activity lacks may still be in
        // OpenTelemetry's Baggage.Current.
        var entries = _headers.Entries;
        Span<bool> found = stackalloc bool[entries.Length];
        var missing = entries.Length;
        foreach (var (key, value) in activity.Baggage)
        {
            for (var i = 0; i < entries.Length; i++)
            {
                if (!found[i] && string.Equals(entries[i].Key, key, StringComparison.Ordinal))
                {
                    found[i] = true;
                    missing--;
                    if (PropagatedHeaders.IsValidValue(value))
                    {
                        setter(carrier, entries[i].Header, value!);
                    }
                    else
                    {
                        AccuSceneSelfDiagnostics.Rejected(entries[i].Header);
                    }
                }
            }

            if (missing == 0)
            {
                return;
            }
        }

        for (var i = 0; i < entries.Length; i++)
        {
            if (!found[i] && Baggage.GetBaggage(entries[i].Key) is { } value)
            {
                if (PropagatedHeaders.IsValidValue(value))
                {
                    setter(carrier, entries[i].Header, value);
                }
                else
                {
                    AccuSceneSelfDiagnostics.Rejected(entries[i].Header);
                }
            }
        }
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
        this.ExtractTraceContext(carrier, getter, count: true, out traceId, out traceState);

    /// <summary>Reads <c>traceparent</c> and <c>tracestate</c> by this propagator's rules; counts what it refuses when <paramref name="count"/> is set.</summary>
    internal void ExtractTraceContext(object? carrier, PropagatorGetterCallback? getter, bool count, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
        try
        {
            _w3c.ExtractTraceIdAndState(carrier, getter, out var parent, out var state);
            if (parent is null)
            {
                // .NET's propagator hands back nothing both for no traceparent and for one it refused (upper-case
                // hex, a zero id, a wrong length): only the header itself tells them apart. Read only on this path.
                if (count && getter is not null && HasHeader(carrier, getter, TraceParentHeader))
                {
                    Rejected(count, "traceparent");
                }

                return;
            }

            // What ActivityContext.TryParse accepts (exactly 55 characters, lower-case hex, non-zero ids), which is
            // what ASP.NET Core and HttpClient will parse, and more (version ff), in one pass.
            if (parent.Length != W3CTraceParent.Length || !W3CTraceParent.IsValid(parent))
            {
                Rejected(count, "traceparent");
                return;
            }

            traceId = parent;
            if (W3CTraceParent.IsAcceptableTraceState(state))
            {
                traceState = state;
            }
            else
            {
                Rejected(count, "tracestate");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Rejected(count, "traceparent");
            traceId = null;
            traceState = null;
        }
    }

    private static void Rejected(bool count, string field)
    {
        if (count)
        {
            AccuSceneSelfDiagnostics.Rejected(field);
        }
    }

    private const string TraceParentHeader = "traceparent";

    private static bool HasHeader(object? carrier, PropagatorGetterCallback getter, string name)
    {
        getter(carrier, name, out var value, out var values);
        return !string.IsNullOrEmpty(value) || values?.Any(v => !string.IsNullOrEmpty(v)) == true;
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

        if (result is not null)
        {
            this.DropInvalidIds(result);
            BaggageItems.KeepWithinLimits(result);
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
                value ??= PropagatedHeaders.Single(values);
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
            BaggageItems.Upsert(result, key, value);
        }

        return result;
    }

    // An id that arrives as W3C baggage is held to the rules of its x-accuscene-* header: a value that
    // header would refuse (CR/LF, controls, too long) is dropped and counted, never trusted. W3C member
    // properties (";ttl=5"), which .NET leaves on the value, are not part of the id.
    private void DropInvalidIds(List<KeyValuePair<string, string?>> items)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var (key, value) = items[i];
            if (!_headers.IsPropagatedKey(key))
            {
                continue;
            }

            if (value is not null && PropagatedHeaders.WithoutProperties(value) is var id && !ReferenceEquals(id, value))
            {
                value = id;
                items[i] = new(key, value);
            }

            if (value is null || !PropagatedHeaders.IsValidValue(value))
            {
                items.RemoveAt(i);
                AccuSceneSelfDiagnostics.Rejected("baggage");
            }
        }
    }
}
