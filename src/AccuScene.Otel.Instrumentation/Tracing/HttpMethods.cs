namespace AccuScene.Otel.Instrumentation.Tracing;

/// <summary>
/// The HTTP methods the semantic conventions know (RFC 9110 and PATCH). Any other method is recorded as
/// <c>_OTHER</c>, so a client sending made-up methods cannot make a series or a span name per method.
/// </summary>
internal static class HttpMethods
{
    /// <summary>The value for a method the conventions do not know.</summary>
    public const string Other = "_OTHER";

    private static readonly string[] Known = ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];

    /// <summary>The canonical (upper-case) name of a known method, matched without regard to case, else <see cref="Other"/>.</summary>
    public static string Normalize(string? method)
    {
        if (method is not null)
        {
            foreach (var known in Known)
            {
                if (string.Equals(known, method, StringComparison.OrdinalIgnoreCase))
                {
                    return known;
                }
            }
        }

        return Other;
    }
}
