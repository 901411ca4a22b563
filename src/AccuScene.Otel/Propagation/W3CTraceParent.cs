namespace AccuScene.Otel.Propagation;

/// <summary>Strict checks of W3C <c>traceparent</c> and <c>tracestate</c> values.</summary>
internal static class W3CTraceParent
{
    /// <summary>The longest tracestate kept (the W3C recommendation for propagating it whole).</summary>
    public const int MaxTraceStateLength = 512;

    /// <summary>The length of a version 00 traceparent, the only one <see cref="System.Diagnostics.ActivityContext.TryParse(string, string, bool, out System.Diagnostics.ActivityContext)"/> accepts.</summary>
    public const int Length = Version00Length;

    private const int Version00Length = 55;

    /// <summary>
    /// Returns whether <paramref name="value"/> is a valid traceparent: version not <c>ff</c>, lower-case hex,
    /// non-zero trace and span ids, and for version 00 exactly 55 characters.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length < Version00Length
            || value[2] != '-' || value[35] != '-' || value[52] != '-'
            || !IsLowerHex(value[..2]) || value[..2].SequenceEqual("ff")
            || !IsLowerHex(value.Slice(3, 32)) || IsAllZero(value.Slice(3, 32))
            || !IsLowerHex(value.Slice(36, 16)) || IsAllZero(value.Slice(36, 16))
            || !IsLowerHex(value.Slice(53, 2)))
        {
            return false;
        }

        return value[..2].SequenceEqual("00")
            ? value.Length == Version00Length
            : value.Length == Version00Length || value[Version00Length] == '-';
    }

    /// <summary>Returns whether a tracestate is short enough and made of visible ASCII (and spaces).</summary>
    public static bool IsAcceptableTraceState(string? value)
    {
        if (value is null)
        {
            return true;
        }

        if (value.Length > MaxTraceStateLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsLowerHex(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(LowerHex);

    private static bool IsAllZero(ReadOnlySpan<char> value) => !value.ContainsAnyExcept('0');
}
