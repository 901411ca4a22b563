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

    public static bool IsHttpUrl(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
