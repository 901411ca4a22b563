using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Logging;

/// <summary>Level names of the line formats.</summary>
internal static class LogLevelNames
{
    public const string AnsiReset = "\u001b[0m";

    public static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };

    /// <summary>A fixed-width short name for the text format.</summary>
    public static string ShortName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRIT ",
        _ => "NONE ",
    };

    /// <summary>The ANSI colour of the level in the text format.</summary>
    public static string AnsiColor(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "\u001b[90m",
        LogLevel.Information => "\u001b[32m",
        LogLevel.Warning => "\u001b[33m",
        LogLevel.Error => "\u001b[31m",
        _ => "\u001b[97;41m",
    };
}
