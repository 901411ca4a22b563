using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Propagation;

/// <summary>The W3C limits on extracted baggage, and the AccuScene headers' place in it.</summary>
internal static class BaggageItems
{
    // W3C Baggage: at most 180 members and 8,192 bytes of key=value text. .NET's extractor takes any number; the
    // members past either limit are dropped and counted once per request. .NET hands the members back last first,
    // so they are counted from the end of the list: the header's first members are kept, as OpenTelemetry's
    // propagator keeps them.
    public static void KeepWithinLimits(List<KeyValuePair<string, string?>> items)
    {
        var bytes = 0;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            // key=value plus the comma before every member but the header's first.
            var member = items.Count - 1 - i;
            bytes += items[i].Key.Length + (items[i].Value?.Length ?? 0) + (member == 0 ? 1 : 2);
            if (member == MaxBaggageMembers || bytes > MaxBaggageBytes)
            {
                items.RemoveRange(0, i + 1);
                AccuSceneSelfDiagnostics.Rejected("baggage");
                return;
            }
        }
    }

    private const int MaxBaggageMembers = 180;
    private const int MaxBaggageBytes = 8192;

    // The header wins over baggage of the same key. Usually both carry the same value (inject writes both),
    // and then nothing moves.
    public static void Upsert(List<KeyValuePair<string, string?>> items, string key, string value)
    {
        var kept = false;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                if (!kept && string.Equals(items[i].Value, value, StringComparison.Ordinal))
                {
                    kept = true;
                    continue;
                }

                items.RemoveAt(i);
            }
        }

        if (!kept)
        {
            items.Add(new(key, value));
        }
    }
}
