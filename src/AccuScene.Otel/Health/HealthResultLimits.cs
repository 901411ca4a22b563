using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Health;

/// <summary>
/// Bounds what a check hands back before it is kept and sent on every probe and dashboard update: a description
/// (often an exception's message, which may hold a whole response body) and data of any size. Anything cut or
/// left out is counted once per result on <c>accuscene.otel.health.truncated</c>.
/// </summary>
internal static class HealthResultLimits
{
    /// <summary>The longest description kept, in characters; a longer one is cut and ends with "…".</summary>
    public const int MaxDescriptionLength = 1024;

    /// <summary>The most data entries kept; the others are left out.</summary>
    public const int MaxDataEntries = 32;

    /// <summary>The longest data key or text value kept, in characters.</summary>
    public const int MaxDataTextLength = 256;

    /// <summary>
    /// The description and data as kept: the description cut to its maximum; the first entries of the data, each key
    /// cut, and each value kept as it is unless its text is longer than the maximum, then as its cut text. A result
    /// with anything cut or left out is counted once.
    /// </summary>
    public static (string? Description, IReadOnlyDictionary<string, object>? Data) Bound(string? description, IReadOnlyDictionary<string, object>? data)
    {
        var cut = false;
        if (description is { Length: > MaxDescriptionLength })
        {
            description = TextLimits.Cut(description, MaxDescriptionLength);
            cut = true;
        }

        if (data is { Count: > 0 })
        {
            // One pass, one ToString() per value: a short value stays the check's object, a long one becomes its cut text.
            var kept = new Dictionary<string, object>(Math.Min(data.Count, MaxDataEntries), StringComparer.Ordinal);
            var changed = data.Count > MaxDataEntries;
            foreach (var (key, value) in data.Take(MaxDataEntries))
            {
                var text = value is int or long or double or float or decimal or bool ? null : AccuSceneHealthJson.Text(value);
                object keep = text is { Length: > MaxDataTextLength } ? TextLimits.Cut(text, MaxDataTextLength) : value;
                var shortKey = TextLimits.Cut(key, MaxDataTextLength);
                changed |= !ReferenceEquals(keep, value) || shortKey.Length != key.Length;
                kept.TryAdd(shortKey, keep);
            }

            if (changed)
            {
                (data, cut) = (kept, true);
            }
        }

        if (cut)
        {
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.HealthTruncated, 1);
        }

        return (description, data);
    }
}
