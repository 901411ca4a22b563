using System.Globalization;

namespace AccuScene.Otel.Logging;

/// <summary>Validation of <c>AccuScene:Logging</c>.</summary>
internal static class LoggingOptionsValidation
{
    public static void Validate(AccuSceneLoggingOptions logging, string root, List<string> failures)
    {
        foreach (var (category, level) in logging.LogLevel)
        {
            if (string.IsNullOrWhiteSpace(category) || !Enum.IsDefined(level))
            {
                failures.Add($"{root}:Logging:LogLevel:{category} must be one of Trace, Debug, Information, Warning, Error, Critical or None; it is {level}.");
            }
        }

        if (!Enum.IsDefined(logging.Console.MinimumLevel))
        {
            failures.Add($"{root}:Logging:Console:MinimumLevel must be one of Trace, Debug, Information, Warning, Error, Critical or None; it is {logging.Console.MinimumLevel}.");
        }

        if (!IsFormat(logging.Console.Format))
        {
            failures.Add($"{root}:Logging:Console:Format must be 'text' or 'json'; it is '{logging.Console.Format}'.");
        }

        var file = logging.File;
        var key = $"{root}:Logging:File";
        // Empty is off, as null is: an empty variable (AccuScene__Logging__File__Path=) or a later layer's "" turns it off.
        if (file.Path is { Length: > 0 } path)
        {
            if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                failures.Add($"{key}:Path must be a file path such as 'logs/app.log'; it is '{path}'.");
            }
            else if (path.EndsWith('/') || path.EndsWith(System.IO.Path.DirectorySeparatorChar) || System.IO.Path.GetFileNameWithoutExtension(path).Length == 0)
            {
                failures.Add($"{key}:Path must name a file, not a directory; it is '{path}'.");
            }
            else if (Directory.Exists(path))
            {
                failures.Add($"{key}:Path names an existing directory; it must name a file. It is '{path}'.");
            }
        }

        if (!IsFormat(file.Format))
        {
            failures.Add($"{key}:Format must be 'json' or 'text'; it is '{file.Format}'.");
        }
    }

    private static bool IsFormat(string? format) =>
        string.Equals(format, "text", StringComparison.OrdinalIgnoreCase) || string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
}
