namespace AccuScene.Otel.Demo;

/// <summary>Where this process reaches an address it listens on.</summary>
internal static class LocalAddress
{
    private static readonly string[] AnyHosts = ["://0.0.0.0", "://[::]", "://*", "://+"];

    /// <summary>
    /// The address with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>: what Kestrel reports for
    /// <c>HTTP_PORTS</c> or <c>--urls http://*:8080</c>) replaced by 127.0.0.1, which every such binding also serves.
    /// </summary>
    /// <param name="address">A server address, such as <c>http://[::]:8080</c>.</param>
    /// <returns>The address to call or to print.</returns>
    public static string Of(string address)
    {
        foreach (var any in AnyHosts)
        {
            if (address.Contains(any, StringComparison.Ordinal))
            {
                return address.Replace(any, "://127.0.0.1", StringComparison.Ordinal);
            }
        }

        return address;
    }
}
