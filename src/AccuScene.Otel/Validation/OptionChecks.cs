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

    /// <summary>
    /// A literal URL path: starts with '/', no empty segment, and only letters, digits, '-', '.', '_', '~' and '/'
    /// (no route template such as <c>{id}</c>, no query or fragment, nothing to escape).
    /// </summary>
    public static bool IsPlainPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in path)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsHttpUrl(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>
    /// A URL as a message may show it: its scheme and host, never the user information, path or query, which
    /// may hold credentials (a webhook's secret path, a key in the query). Text that is no absolute URL shows up to
    /// its first '/', '?' or '#', past the last '@' before it.
    /// </summary>
    public static string DescribeUrl(object? value)
    {
        var text = value?.ToString();
        if (text is null)
        {
            return "(not set)";
        }

        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            var shown = uri.GetComponents(UriComponents.Scheme | UriComponents.HostAndPort, UriFormat.UriEscaped);
            return uri.GetComponents(UriComponents.UserInfo | UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped) is { Length: > 1 }
                ? $"'{shown}' (the rest not shown)"
                : $"'{shown}'";
        }

        // The host part ends at the first '/', '?' or '#'; within it, user information ends at the last '@'.
        var end = text.IndexOfAny(['/', '?', '#']) is var cut and >= 0 ? cut : text.Length;
        var start = end == 0 ? 0 : text.LastIndexOf('@', end - 1) + 1;
        return end == text.Length && start == 0 ? $"'{text}'" : $"'{text[start..end]}' (the rest not shown)";
    }
}
