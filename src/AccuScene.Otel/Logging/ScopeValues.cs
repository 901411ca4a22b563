using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Logging;

/// <summary>The logger scopes' values as a log record keeps them (see <see cref="ScopesAndRedactionProcessor"/>).</summary>
internal static class ScopeValues
{
    /// <summary>Marks a scope that is not key/value pairs while scopes are read; never a key of its own.</summary>
    public static readonly string PlainScope = new('\0', 1);

    [ThreadStatic]
    private static List<KeyValuePair<string, object?>>? _threadSettled;

    // The scopes' values as the record keeps them. A key the record or a nearer scope already has is left out (the
    // innermost value wins, as in Serilog): attribute keys must be unique for OTLP, and a file line showed the
    // outermost. The scopes that are not key/value pairs become one "scope" attribute, outermost first. At most
    // ScopesAndRedactionProcessor.MaxScopeValues values are kept, the innermost; the others are counted.
    public static List<KeyValuePair<string, object?>> Settle(List<KeyValuePair<string, object?>> scopes, IReadOnlyList<KeyValuePair<string, object?>> attributes)
    {
        // Taken off the thread until Return, like the processor's scope list: a record logged on this thread while
        // this one is settled (a plain scope's ToString that logs) gets a list of its own.
        var settled = _threadSettled ?? [];
        _threadSettled = null;
        settled.Clear();
        var plain = 0; // the innermost plain scopes kept: each takes one value of the budget
        var dropped = 0;
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            var key = scopes[i].Key;
            var isPlain = ReferenceEquals(key, PlainScope);
            if (!isPlain && (Contains(attributes, attributes.Count, key) || Contains(settled, settled.Count, key)))
            {
                continue;
            }

            if (settled.Count + plain >= ScopesAndRedactionProcessor.MaxScopeValues)
            {
                dropped++;
            }
            else if (isPlain)
            {
                plain++;
            }
            else
            {
                settled.Add(scopes[i]);
            }
        }

        settled.Reverse();
        if (plain > 0)
        {
            if (!Contains(attributes, attributes.Count, ScopesAndRedactionProcessor.ScopeAttribute) && !Contains(settled, settled.Count, ScopesAndRedactionProcessor.ScopeAttribute))
            {
                settled.Add(new(ScopesAndRedactionProcessor.ScopeAttribute, PlainScopes(scopes, plain)));
            }
            else
            {
                dropped += plain;
            }
        }

        if (dropped > 0)
        {
            AccuSceneSelfDiagnostics.Count(AccuSceneSelfDiagnostics.LogScopeValuesDropped, dropped);
        }

        scopes.Clear();
        return settled;
    }

    // The innermost `kept` plain scopes' text, outermost first.
    private static string[] PlainScopes(List<KeyValuePair<string, object?>> scopes, int kept)
    {
        var skip = -kept;
        foreach (var (key, _) in scopes)
        {
            skip += ReferenceEquals(key, PlainScope) ? 1 : 0;
        }

        var names = new string[kept];
        var next = 0;
        foreach (var (key, value) in scopes)
        {
            if (ReferenceEquals(key, PlainScope) && skip-- <= 0)
            {
                names[next++] = LogRecordText.ToInvariantString(value);
            }
        }

        return names;
    }

    private static bool Contains(IReadOnlyList<KeyValuePair<string, object?>> items, int count, string key)
    {
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(items[i].Key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Gives a list <see cref="Settle"/> returned back to the thread, emptied, unless one record made it larger than
    /// <paramref name="maxCapacity"/> (then it is let go).
    /// </summary>
    public static void Return(List<KeyValuePair<string, object?>> settled, int maxCapacity)
    {
        settled.Clear();
        if (settled.Capacity <= maxCapacity)
        {
            _threadSettled = settled;
        }
    }
}
