namespace AccuScene.Otel;

/// <summary>Small checks shared by the options validation of several features; each failure names the full key.</summary>
internal static class OptionChecks
{
    public static void RequireNonBlankIfSet(string? value, string key, List<string> failures)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} must not be blank when set.");
        }
    }

    /// <summary>A bearer token, when set, is not blank and has no surrounding whitespace (a presented token is trimmed, so it could never match).</summary>
    public static void RequireTokenIfSet(string? value, string key, List<string> failures)
    {
        RequireNonBlankIfSet(value, key, failures);
        if (!string.IsNullOrWhiteSpace(value) && value.Trim().Length != value.Length)
        {
            failures.Add($"{key} must not begin or end with whitespace (a line break from a secret file, say): a presented token is trimmed, so it could never match.");
        }
    }

    public static bool IsHttpUrl(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
