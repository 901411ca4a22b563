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
    /// The description and data as kept: the description cut to its maximum; a copy of the first entries of the data,
    /// each key cut, strings and value types as they are and any other object as its text; a value whose text is too
    /// long as that text, cut. A result with anything
    /// cut or left out is counted once.
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
            // Always a copy, made once: a check may reuse (and change) its dictionary or a value for its next run, while
            // probes and the dashboard read this result many times. Strings and values (numbers, TimeSpan, Guid, …) stay
            // as they are unless their text is too long; any other object is kept as its text, so a later change to it
            // (a StringBuilder, a list) cannot reach the report.
            var kept = new Dictionary<string, object>(Math.Min(data.Count, MaxDataEntries), StringComparer.Ordinal);
            cut |= data.Count > MaxDataEntries;
            foreach (var (key, value) in data.Take(MaxDataEntries))
            {
                object keep = value;
                if (value is not (null or int or long or double or float or decimal or bool))
                {
                    var text = AccuSceneHealthJson.Text(value) ?? string.Empty;
                    cut |= text.Length > MaxDataTextLength;
                    keep = text.Length > MaxDataTextLength ? TextLimits.Cut(text, MaxDataTextLength) : value is string or ValueType ? value : text;
                }

                var shortKey = TextLimits.Cut(key, MaxDataTextLength);
                cut |= shortKey.Length != key.Length;
                kept.TryAdd(shortKey, keep);
            }

            data = kept;
        }

        if (cut)
        {
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.HealthTruncated, 1);
        }

        return (description, data);
    }
}
