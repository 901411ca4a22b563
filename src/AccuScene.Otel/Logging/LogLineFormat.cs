namespace AccuScene.Otel.Logging;

/// <summary>The two line formats of the console and file outputs.</summary>
internal enum LogLineFormat
{
    /// <summary>One line of text for people, control characters escaped.</summary>
    Text,

    /// <summary>One JSON object per line.</summary>
    Json,
}

/// <summary>Parses the <c>Format</c> options.</summary>
internal static class LogLineFormats
{
    public static LogLineFormat Parse(string? format) =>
        string.Equals(format, "json", StringComparison.OrdinalIgnoreCase) ? LogLineFormat.Json : LogLineFormat.Text;
}
