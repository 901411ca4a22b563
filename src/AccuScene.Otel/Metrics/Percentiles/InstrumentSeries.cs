namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// The sketches of one instrument, one per tag set. A measurement whose tag set was seen before allocates
/// nothing: series are found by an order-independent hash of the tags and compared in place. Each thread
/// also remembers, per instrument, the tag references of its last lookup, so a call site that records
/// the same tag objects again (string literals, route templates, cached boxes) skips the hash and the lock.
/// </summary>
internal sealed class InstrumentSeries
{
    /// <summary>
    /// The longest tag set kept as a series of its own, in characters of keys and values plus
    /// <see cref="TagWeight"/> per tag (what each tag costs beyond its text); a longer one goes to the overflow series.
    /// </summary>
    public const int MaxTagSetLength = 1024;

    /// <summary>What one tag counts beyond its characters: 32 one-character tags fill a tag set.</summary>
    public const int TagWeight = 32;

    private static readonly KeyValuePair<string, string?>[] OverflowTags = [new("otel.metric.overflow", "true")];
    private static int _nextSlot;
    private static long _nextId;

    [ThreadStatic]
    private static LastLookup?[]? _lastLookups;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Entry>> _byHash = [];
    private readonly SketchMapping _mapping;
    private readonly int _maxSeries;
    private readonly RelativeErrorSketch _untagged;
    private Entry? _overflow;
    private int _count;
    private readonly int _slot = Interlocked.Increment(ref _nextSlot) & (LastLookup.Slots - 1);

    public InstrumentSeries(string meter, string name, string? unit, SketchMapping mapping, int maxSeries)
    {
        this.Meter = meter;
        this.Name = name;
        this.Unit = unit;
        _mapping = mapping;
        _maxSeries = maxSeries;
        _untagged = new RelativeErrorSketch(mapping);
    }

    public string Meter { get; }

    /// <summary>Gets the series' identity in the process: a meter disposed and created again under its name has a new one.</summary>
    public long Id { get; } = Interlocked.Increment(ref _nextId);

    public string Name { get; }

    public string? Unit { get; }

    // Counted by the overflow sketch itself: a thread's cached lookup can reach it without Find.
    public long Overflowed => Volatile.Read(ref _overflow)?.Sketch is { } sketch ? sketch.Count + sketch.NonFinite : 0;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            _untagged.Add(value);
            return;
        }

        var lookups = _lastLookups ??= new LastLookup?[LastLookup.Slots];
        var last = lookups[_slot];
        if (last is not null && last.OwnerId == this.Id && last.Matches(tags))
        {
            last.Sketch!.Add(value);
            return;
        }

        var sketch = this.Find(tags);
        if (tags.Length <= LastLookup.MaxTags)
        {
            (lookups[_slot] ??= new LastLookup()).Remember(this, tags, sketch);
        }

        sketch.Add(value);
    }

    /// <summary>Lets go of every series: the instrument's meter is gone.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _byHash.Clear();
            _byHash.TrimExcess();
            _overflow = null;
            _count = 0;
        }
    }

    public IEnumerable<(IReadOnlyList<KeyValuePair<string, string?>> Tags, RelativeErrorSketch Sketch)> Series()
    {
        var result = new List<(IReadOnlyList<KeyValuePair<string, string?>>, RelativeErrorSketch)>();
        if (_untagged.Count > 0 || _untagged.NonFinite > 0)
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
        Span<char> buffer = stackalloc char[TagText.BufferLength];
        foreach (var tag in tags)
        {
            // XOR keeps the hash independent of tag order.
            hash ^= HashCode.Combine(string.GetHashCode(tag.Key.AsSpan()), TagText.Hash(tag.Value, buffer));
        }

        lock (_gate)
        {
            if (_byHash.TryGetValue(hash, out var entries))
            {
                foreach (var entry in entries)
                {
                    if (entry.Matches(tags, buffer))
                    {
                        return entry.Sketch;
                    }
                }
            }

            if (_count >= _maxSeries || TextLength(tags, buffer) > MaxTagSetLength)
            {
                _overflow ??= new Entry(OverflowTags, new RelativeErrorSketch(_mapping));
                return _overflow.Sketch;
            }

            var created = new Entry(Copy(tags), new RelativeErrorSketch(_mapping));
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

    private static int TextLength(ReadOnlySpan<KeyValuePair<string, object?>> tags, Span<char> buffer)
    {
        var length = 0;
        foreach (var tag in tags)
        {
            length += TagWeight + tag.Key.Length + TagText.Length(tag.Value, buffer);
        }

        return length;
    }

    private static KeyValuePair<string, string?>[] Copy(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new KeyValuePair<string, string?>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            copy[i] = new(tags[i].Key, TagText.Of(tags[i].Value));
        }

        Array.Sort(copy, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return copy;
    }

    private sealed record Entry(KeyValuePair<string, string?>[] Tags, RelativeErrorSketch Sketch)
    {
        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags, Span<char> buffer)
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
                        && TagText.Equals(stored.Value, tag.Value, buffer))
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

    /// <summary>
    /// One thread's last tag set for one instrument, compared by reference only. It names the instrument by its
    /// <see cref="Id"/>, not by reference, so a thread that never records again does not keep a released or
    /// unreachable instrument's series alive: only the one sketch it last used.
    /// </summary>
    private sealed class LastLookup
    {
        public const int Slots = 16;

        // As many as a TagList holds inline: the standard HTTP histograms carry five or six.
        public const int MaxTags = 8;

        private readonly object?[] _keys = new object?[MaxTags];
        private readonly object?[] _values = new object?[MaxTags];
        private int _length;

        public long OwnerId { get; private set; }

        public RelativeErrorSketch? Sketch { get; private set; }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != _length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (!ReferenceEquals(tags[i].Key, _keys[i]) || !ReferenceEquals(tags[i].Value, _values[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public void Remember(InstrumentSeries owner, ReadOnlySpan<KeyValuePair<string, object?>> tags, RelativeErrorSketch sketch)
        {
            for (var i = 0; i < tags.Length; i++)
            {
                _keys[i] = tags[i].Key;
                _values[i] = tags[i].Value;
            }

            Array.Clear(_keys, tags.Length, MaxTags - tags.Length);
            Array.Clear(_values, tags.Length, MaxTags - tags.Length);
            _length = tags.Length;
            this.OwnerId = owner.Id;
            this.Sketch = sketch;
        }
    }
}
