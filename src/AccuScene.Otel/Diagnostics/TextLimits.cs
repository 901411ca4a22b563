namespace AccuScene.Otel.Diagnostics;

/// <summary>Cuts text that came from the app to a maximum length, without ever splitting a surrogate pair.</summary>
internal static class TextLimits
{
    /// <summary>What a cut text ends with.</summary>
    public const string Ellipsis = "…";

    /// <summary>Returns <paramref name="text"/> if it fits, else its first characters and <paramref name="suffix"/>, <paramref name="max"/> characters in all.</summary>
    public static string Cut(string text, int max, string suffix = Ellipsis)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var end = Math.Max(max - suffix.Length, 0);
        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return string.Concat(text.AsSpan(0, end), suffix);
    }
}
