using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Health;

/// <summary>
/// Bounds what a check hands back before it is kept and sent on every probe and dashboard update: a description
/// (often an exception's message, which may hold a whole response body) and data of any size. Anything cut or
/// left out is counted on <c>accuscene.otel.health.truncated</c>.
/// </summary>
internal static class HealthResultLimits
{
    /// <summary>The longest description kept, in characters; a longer one is cut and ends with "…".</summary>
    public const int MaxDescriptionLength = 1024;

    /// <summary>The most data entries kept; the others are left out.</summary>
    public const int MaxDataEntries = 32;

    /// <summary>The longest data key or text value kept, in characters.</summary>
    public const int MaxDataTextLength = 256;

    public static string? Description(string? description)
    {
        if (description is null || description.Length <= MaxDescriptionLength)
        {
            return description;
        }

        Truncated();
        return TextLimits.Cut(description, MaxDescriptionLength);
    }

    /// <summary>The data as kept: numbers and booleans as they are, any other value as its text, each cut to its maximum.</summary>
    public static IReadOnlyDictionary<string, object>? Data(IReadOnlyDictionary<string, object>? data)
    {
        if (data is null || data.Count == 0)
        {
            return data;
        }

        var kept = new Dictionary<string, object>(Math.Min(data.Count, MaxDataEntries), StringComparer.Ordinal);
        var cut = data.Count > MaxDataEntries;
        foreach (var (key, value) in data)
        {
            if (kept.Count == MaxDataEntries)
            {
                break;
            }

            var text = value is int or long or double or float or decimal or bool ? null : AccuSceneHealthJson.Text(value) ?? string.Empty;
            var shortKey = TextLimits.Cut(key, MaxDataTextLength);
            cut |= shortKey.Length != key.Length || text?.Length > MaxDataTextLength;
            kept.TryAdd(shortKey, text is null ? value : TextLimits.Cut(text, MaxDataTextLength));
        }

        if (cut)
        {
            Truncated();
        }

        return kept;
    }

    private static void Truncated() => AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.HealthTruncated, 1);
}
