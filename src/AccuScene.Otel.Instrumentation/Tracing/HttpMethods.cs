namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// The HTTP methods the semantic conventions know (RFC 9110 and PATCH), or those
/// <c>OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS</c> lists instead, as the conventions ask. Any other method is
/// recorded as <c>_OTHER</c>, so a client sending made-up methods cannot make a series or a span name per method.
/// </summary>
internal static class HttpMethods
{
    /// <summary>The value for a method the conventions do not know.</summary>
    public const string Other = "_OTHER";

    /// <summary>The environment variable whose comma-separated list replaces the default methods (read once, at first use).</summary>
    public const string KnownMethodsVariable = "OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS";

    private static readonly string[] Defaults = ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];

    private static readonly string[] Known = KnownMethods(Environment.GetEnvironmentVariable(KnownMethodsVariable));

    /// <summary>A known method as the list spells it, matched without regard to case, else <see cref="Other"/>.</summary>
    public static string Normalize(string? method) => Normalize(method, Known);

    /// <summary>The methods a value of <see cref="KnownMethodsVariable"/> makes known: its non-blank entries as written; the defaults when it has none.</summary>
    internal static string[] KnownMethods(string? list)
    {
        var methods = (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return methods.Length == 0 ? Defaults : methods;
    }

    internal static string Normalize(string? method, string[] known)
    {
        if (method is not null)
        {
            foreach (var name in known)
            {
                if (string.Equals(name, method, StringComparison.OrdinalIgnoreCase))
                {
                    return name;
                }
            }
        }

        return Other;
    }
}
