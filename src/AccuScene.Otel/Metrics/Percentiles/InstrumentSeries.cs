namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// The sketches of one instrument, one per tag set. A measurement whose tag set was seen before allocates
/// nothing: series are found by an order-independent hash of the tags and compared in place.
/// </summary>
internal sealed class InstrumentSeries
{
    private static readonly KeyValuePair<string, string?>[] OverflowTags = [new("otel.metric.overflow", "true")];

    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Entry>> _byHash = [];
    private readonly double _relativeAccuracy;
    private readonly int _maxSeries;
    private readonly RelativeErrorSketch _untagged;
    private Entry? _overflow;
    private int _count;
    private long _overflowed;

    public InstrumentSeries(string name, string? unit, double relativeAccuracy, int maxSeries)
    {
        this.Name = name;
        this.Unit = unit;
        _relativeAccuracy = relativeAccuracy;
        _maxSeries = maxSeries;
        _untagged = new RelativeErrorSketch(relativeAccuracy);
    }

    public string Name { get; }

    public string? Unit { get; }

    public long Overflowed => Interlocked.Read(ref _overflowed);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            _untagged.Add(value);
            return;
        }

        this.Find(tags).Add(value);
    }

    public IEnumerable<(IReadOnlyList<KeyValuePair<string, string?>> Tags, RelativeErrorSketch Sketch)> Series()
    {
        var result = new List<(IReadOnlyList<KeyValuePair<string, string?>>, RelativeErrorSketch)>();
        if (_untagged.Count > 0 || _untagged.Rejected > 0)
        {
            result.Add(([], _untagged));
        }

        lock (_gate)
        {
            foreach (var entries in _byHash.Values)
            {
                foreach (var entry in entries)
                {
                    result.Add((entry.Tags, entry.Sketch));
                }
            }

            if (_overflow is { } overflow)
            {
                result.Add((overflow.Tags, overflow.Sketch));
            }
        }

        return result;
    }

    private RelativeErrorSketch Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = 0;
        foreach (var tag in tags)
        {
            // XOR keeps the hash independent of tag order.
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(tag.Key), tag.Value?.ToString() is { } text ? StringComparer.Ordinal.GetHashCode(text) : 0);
        }

        lock (_gate)
        {
            if (_byHash.TryGetValue(hash, out var entries))
            {
                foreach (var entry in entries)
                {
                    if (entry.Matches(tags))
                    {
                        return entry.Sketch;
                    }
                }
            }

            if (_count >= _maxSeries)
            {
                _overflowed++;
                _overflow ??= new Entry(OverflowTags, new RelativeErrorSketch(_relativeAccuracy));
                return _overflow.Sketch;
            }

            var created = new Entry(Copy(tags), new RelativeErrorSketch(_relativeAccuracy));
            if (entries is null)
            {
                entries = [];
                _byHash[hash] = entries;
            }

            entries.Add(created);
            _count++;
            return created.Sketch;
        }
    }

    private static KeyValuePair<string, string?>[] Copy(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new KeyValuePair<string, string?>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            copy[i] = new(tags[i].Key, tags[i].Value?.ToString());
        }

        Array.Sort(copy, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return copy;
    }

    private sealed record Entry(KeyValuePair<string, string?>[] Tags, RelativeErrorSketch Sketch)
    {
        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != this.Tags.Length)
            {
                return false;
            }

            foreach (var tag in tags)
            {
                var found = false;
                foreach (var stored in this.Tags)
                {
                    if (string.Equals(stored.Key, tag.Key, StringComparison.Ordinal)
                        && string.Equals(stored.Value, tag.Value?.ToString(), StringComparison.Ordinal))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
