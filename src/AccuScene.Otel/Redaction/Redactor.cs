namespace AccuScene.Otel.Redaction;

/// <summary>
/// Decides which attribute keys are masked. Keys are normalised (letters and digits only, lower case) and an
/// attribute is masked when its normalised key ends with a normalised configured key. Results are cached per
/// key string, so a key seen before costs one dictionary lookup and allocates nothing.
/// </summary>
internal sealed partial class Redactor
{
    /// <summary>The value that replaces a masked one.</summary>
    public const string Mask = "[REDACTED]";

    private const int MaxCachedKeys = 4096;

    private const int MaxCachedKeyLength = 256;

    private readonly string[] _keys;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _decisions = new(StringComparer.Ordinal);
    private int _cached;

    public Redactor(IEnumerable<string> keys)
    {
        _keys = [.. keys.Select(Normalize).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Gets a redactor that masks nothing.</summary>
    public static Redactor None { get; } = new([]);

    /// <summary>Gets a value indicating whether any key is masked.</summary>
    public bool IsEmpty => _keys.Length == 0;

    public static Redactor From(AccuSceneRedactionOptions options) =>
        new(options.Keys is { } keys ? keys : AccuSceneRedactionOptions.DefaultKeys);

    /// <summary>Letters and digits of <paramref name="key"/>, lower-cased.</summary>
    public static string Normalize(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return string.Empty;
        }

        return string.Create(key.Count(char.IsLetterOrDigit), key, static (span, source) =>
        {
            var i = 0;
            foreach (var c in source)
            {
                if (char.IsLetterOrDigit(c))
                {
                    span[i++] = char.ToLowerInvariant(c);
                }
            }
        });
    }

    /// <summary>Returns whether the value of <paramref name="key"/> must be masked.</summary>
    public bool IsSensitive(string? key)
    {
        if (_keys.Length == 0 || string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (_decisions.TryGetValue(key, out var sensitive))
        {
            return sensitive;
        }

        // Compared in place: a key the cache cannot hold (past its size, or too long) allocates nothing either.
        sensitive = false;
        foreach (var candidate in _keys)
        {
            if (EndsWithNormalized(key, candidate))
            {
                sensitive = true;
                break;
            }
        }

        // Only ordinary keys are remembered, so the cache stays bounded in bytes as well as entries. The count is
        // kept here: ConcurrentDictionary.Count takes every lock of the dictionary.
        if (key.Length <= MaxCachedKeyLength && Volatile.Read(ref _cached) < MaxCachedKeys && _decisions.TryAdd(key, sensitive))
        {
            Interlocked.Increment(ref _cached);
        }

        return sensitive;
    }

    /// <summary>Whether <see cref="Normalize"/>(<paramref name="key"/>) ends with <paramref name="suffix"/>, without building it.</summary>
    private static bool EndsWithNormalized(string key, string suffix)
    {
        var matched = suffix.Length;
        for (var i = key.Length - 1; i >= 0 && matched > 0; i--)
        {
            var c = key[i];
            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }

            if (char.ToLowerInvariant(c) != suffix[--matched])
            {
                return false;
            }
        }

        return matched == 0;
    }
}
