namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// The bucket counters of one sign of a <see cref="RelativeErrorSketch"/>: at most
/// <see cref="RelativeErrorSketch.MaxBuckets"/> consecutive buckets. When values span more, the buckets of the
/// smallest magnitudes are folded together, so only the percentiles among the smallest magnitudes lose accuracy.
/// Not thread-safe: the sketch holds its lock around every call.
/// </summary>
internal sealed class SketchStore
{
    private readonly int[] _counts = new int[RelativeErrorSketch.MaxBuckets];
    private int _offset;          // bucket index of _counts[0]
    private int _used;            // number of slots in use, from _counts[0]

    /// <summary>Gets how many values were folded into the lowest bucket because the range outgrew the memory bound.</summary>
    public long Collapsed { get; private set; }

    public void Increment(int index, int amount)
    {
        if (_used == 0)
        {
            _offset = index;
            _used = 1;
            _counts[0] = amount;
            return;
        }

        if (index < _offset)
        {
            var shift = _offset - index;
            if (_used + shift <= _counts.Length)
            {
                Array.Copy(_counts, 0, _counts, shift, _used);
                Array.Clear(_counts, 0, shift);
                _offset = index;
                _used += shift;
            }
            else
            {
                // No room below: fold into the lowest bucket kept.
                this.Collapsed += amount;
                index = _offset;
            }
        }
        else if (index - _offset >= _counts.Length)
        {
            // No room above: fold the lowest buckets into the new lowest one to make room.
            this.CollapseLowest(index - _offset - _counts.Length + 1);
        }

        var slot = index - _offset;
        if (slot >= _used)
        {
            _used = slot + 1;
        }

        _counts[slot] = _counts[slot] > int.MaxValue - amount ? int.MaxValue : _counts[slot] + amount;
    }

    /// <summary>Adds another store's copied buckets.</summary>
    public void Add(int[] counts, int offset, long collapsed)
    {
        this.Collapsed += collapsed;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                this.Increment(offset + i, counts[i]);
            }
        }
    }

    public (int[] Counts, int Offset) Copy() => (_counts.AsSpan(0, _used).ToArray(), _offset);

    private void CollapseLowest(int buckets)
    {
        var fold = Math.Min(buckets, _used);
        var folded = 0L;
        for (var i = 0; i < fold; i++)
        {
            folded += _counts[i];
        }

        this.Collapsed += folded;
        if (fold == _used)
        {
            Array.Clear(_counts, 0, _used);
            _offset += buckets;
            _counts[0] = (int)Math.Min(folded, int.MaxValue);
            _used = 1;
            return;
        }

        Array.Copy(_counts, fold, _counts, 0, _used - fold);
        Array.Clear(_counts, _used - fold, fold);
        _used -= fold;
        _offset += fold;
        _counts[0] = (int)Math.Min(_counts[0] + folded, int.MaxValue);
    }
}
