using AccuScene.Otel.Instrumentation;

namespace AccuScene.Otel.Propagation;

/// <summary>
/// The custom headers that travel beside W3C trace context, each paired with the baggage key and span
/// attribute it becomes on the receiving side.
/// </summary>
internal sealed class PropagatedHeaders
{
    public const string SceneIdHeader = "x-accuscene-scene-id";

    public const string SessionIdHeader = "x-accuscene-session-id";

    /// <summary>The longest value carried; longer ones are dropped and counted.</summary>
    public const int MaxValueLength = 256;

    public static readonly PropagatedHeaders Default = new([]);

    public PropagatedHeaders(IEnumerable<KeyValuePair<string, string>> extra)
    {
        var map = new List<(string Header, string Key)>
        {
            (SceneIdHeader, AccuSceneAttributes.SceneId),
            (SessionIdHeader, AccuSceneAttributes.SessionId),
        };
        foreach (var (header, key) in extra)
        {
            var name = header.ToLowerInvariant();
            map.RemoveAll(m => m.Header == name);
            map.Add((name, key));
        }

        this.Entries = [.. map];
        this.HeaderNames = [.. map.Select(m => m.Header)];
    }

    public (string Header, string Key)[] Entries { get; }

    /// <summary>Whether <paramref name="key"/> is the baggage key of one of the propagated headers.</summary>
    public bool IsPropagatedKey(string key)
    {
        foreach (var (_, known) in this.Entries)
        {
            if (string.Equals(known, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public string[] HeaderNames { get; }

    /// <summary>The propagated headers: the built-in ones, and <paramref name="extra"/> (header name to attribute name).</summary>
    public static PropagatedHeaders From(IReadOnlyDictionary<string, string> extra) =>
        extra.Count == 0 ? Default : new PropagatedHeaders(extra);

    /// <summary>An id as it arrives in W3C baggage, without the member's properties (<c>scene-1;ttl=5</c> is <c>scene-1</c>).</summary>
    public static string WithoutProperties(string value) =>
        value.IndexOf(';', StringComparison.Ordinal) is >= 0 and var properties ? value[..properties].Trim() : value;

    /// <summary>
    /// The one value of a header that arrived as a list of values: a header sent twice is refused (returned as
    /// <c>","</c>, which no value may hold, so it is counted with the other refused values), as ASP.NET Core's
    /// joined <c>"A,B"</c> is.
    /// </summary>
    public static string? Single(IEnumerable<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        string? single = null;
        if (values is IList<string> list)
        {
            // Arrays and ASP.NET Core's StringValues: read without an enumerator.
            for (var i = 0; i < list.Count; i++)
            {
                if (!Take(list[i], ref single))
                {
                    return ",";
                }
            }

            return single;
        }

        foreach (var value in values)
        {
            if (!Take(value, ref single))
            {
                return ",";
            }
        }

        return single;

        static bool Take(string? value, ref string? single)
        {
            if (string.IsNullOrEmpty(value))
            {
                return true;
            }

            if (single is not null)
            {
                return false;
            }

            single = value;
            return true;
        }
    }

    /// <summary>Returns whether a header or baggage value is safe to carry: 1-256 visible ASCII characters, no list separators.</summary>
    public static bool IsValidValue(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxValueLength && !value.AsSpan().ContainsAnyExcept(Allowed);

    // Visible ASCII but the list separators; searched vectorised.
    private static readonly System.Buffers.SearchValues<char> Allowed = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).Where(c => c is not (',' or ';'))));
}
