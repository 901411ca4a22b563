namespace AccuScene.Otel.Redaction;

/// <summary>
/// Keys inside a value: an attribute whose value is itself a list of key/value pairs (a dictionary of headers an
/// app logs or tags) is exported by OTLP as a nested list, and written by the text outputs pair by pair, so its
/// own keys are masked as the attribute keys are. A list that cannot be read is masked whole (fail closed).
/// </summary>
internal sealed partial class Redactor
{
    // As deep as a value is walked; a list that holds itself ends there.
    private const int MaxNestedDepth = 4;

    /// <summary>
    /// Returns a copy of <paramref name="value"/> with the values of its sensitive keys masked, at any depth up to
    /// four, when it is a list of key/value pairs that holds one; otherwise <see langword="false"/>, having
    /// allocated nothing for a value that is not such a list. The copy is an array of pairs, which OTLP exports
    /// as a nested list and the text outputs write as <c>[key, value]</c> items, as the original would have been.
    /// </summary>
    public bool TryMaskNested(object? value, out object? masked)
    {
        masked = null;
        try
        {
            return _keys.Length > 0 && value is not (null or string) && this.TryMaskNested(value, 0, out masked);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The app's list could not be read (changed while it was walked, or its enumerator throws): it goes
            // out masked whole, never as it is.
            masked = Mask;
            return true;
        }
    }

    /// <summary>Whether <paramref name="value"/> is a list of key/value pairs with a sensitive key in it, at any depth up to four.</summary>
    /// <remarks>A list that cannot be read counts as holding one: <see cref="TryMaskNested(object?, out object?)"/> masks it whole.</remarks>
    public bool HoldsNestedSensitive(object? value)
    {
        try
        {
            return _keys.Length > 0 && value is not (null or string) && Pairs(value) is { } pairs && this.HoldsSensitive(pairs, 0);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return true;
        }
    }

    private bool TryMaskNested(object value, int depth, out object? masked)
    {
        masked = null;
        if (depth >= MaxNestedDepth || Pairs(value) is not { } pairs || !this.HoldsSensitive(pairs, depth))
        {
            return false;
        }

        var copy = new List<KeyValuePair<string, object?>>();
        foreach (var (key, inner) in pairs)
        {
            copy.Add(new(key, this.IsSensitive(key) ? Mask
                : inner is not (null or string) && this.TryMaskNested(inner, depth + 1, out var nested) ? nested
                : inner));
        }

        masked = copy.ToArray();
        return true;
    }

    private bool HoldsSensitive(IEnumerable<KeyValuePair<string, object?>> pairs, int depth)
    {
        foreach (var (key, inner) in pairs)
        {
            if ((this.IsSensitive(key) && inner is not Mask)
                || (inner is not (null or string) && depth + 1 < MaxNestedDepth && Pairs(inner) is { } nested && this.HoldsSensitive(nested, depth + 1)))
            {
                return true;
            }
        }

        return false;
    }

    // The shapes a list of pairs takes in .NET apps: dictionaries of objects or strings, ASP.NET Core's headers
    // (StringValues), HttpClient's (IEnumerable<string>) and string arrays.
    private static IEnumerable<KeyValuePair<string, object?>>? Pairs(object value) => value switch
    {
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs,
        IEnumerable<KeyValuePair<string, string?>> texts => texts.Select(static p => new KeyValuePair<string, object?>(p.Key, p.Value)),
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> headers => headers.Select(static p => new KeyValuePair<string, object?>(p.Key, p.Value)),
        IEnumerable<KeyValuePair<string, string[]>> arrays => arrays.Select(static p => new KeyValuePair<string, object?>(p.Key, p.Value)),
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> lists => lists.Select(static p => new KeyValuePair<string, object?>(p.Key, p.Value)),
        _ => null,
    };
}
