using System.Globalization;

namespace AccuScene.Otel;

/// <content>Validation of <c>AccuScene:Logging</c> and <c>AccuScene:Redaction</c>.</content>
internal sealed partial class AccuSceneOptionsValidator
{
    private static void ValidateLogging(AccuSceneLoggingOptions logging, string root, List<string> failures)
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
        if (file.Path is { } path)
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

    private static void ValidateRedaction(AccuSceneRedactionOptions redaction, string root, List<string> failures)
    {
        if (redaction.Keys is not { } keys)
        {
            return;
        }

        if (keys.Count > 64)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{root}:Redaction:Keys must list at most 64 keys; it lists {keys.Count}."));
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (Logging.Redactor.Normalize(keys[i]).Length == 0)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{root}:Redaction:Keys:{i} must contain a letter or digit; it is '{keys[i]}'."));
            }
        }
    }

    private static bool IsFormat(string? format) =>
        string.Equals(format, "text", StringComparison.OrdinalIgnoreCase) || string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
}
