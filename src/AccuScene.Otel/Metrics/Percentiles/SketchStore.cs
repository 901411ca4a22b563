namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// The bucket counters of one sign of a <see cref="RelativeErrorSketch"/>: at most its capacity of consecutive
/// buckets (<see cref="RelativeErrorSketch.MaxBuckets"/> for positive values, <see cref="RelativeErrorSketch.MaxNegativeBuckets"/>
/// for negative ones). When values span more, the buckets of the smallest magnitudes are folded together, so only
/// the percentiles among the smallest magnitudes lose accuracy.
/// <para>
/// The counters are 32-bit (4 bytes each) until one of them would pass <see cref="int.MaxValue"/>; the store then
/// moves to 64-bit counters (8 bytes each) for good, so a busy series keeps counting instead of stopping at 2³¹ − 1 (a bucket
/// that stopped would skew every percentile, and every window, after it).
/// </para>
/// Not thread-safe: the sketch holds its lock around every call.
/// </summary>
internal sealed class SketchStore(int capacity = RelativeErrorSketch.MaxBuckets)
{
    private readonly int _capacity = capacity;
    private int[]? _narrow = new int[capacity];
    private long[]? _wide;
    private int _offset;          // bucket index of slot 0
    private int _used;            // number of slots in use, from slot 0

    /// <summary>Gets how many values were folded into the lowest bucket because the range outgrew the memory bound.</summary>
    public long Collapsed { get; private set; }

    /// <summary>Gets a value indicating whether the counters are 64-bit (one of them passed <see cref="int.MaxValue"/>).</summary>
    public bool IsWide => _wide is not null;

    public void Increment(int index, long amount)
    {
        // The usual case, once the range is known: a bucket in use, 32-bit, with room.
        var inUse = index - _offset;
        if (_narrow is { } narrow && (uint)inUse < (uint)_used && amount <= int.MaxValue - narrow[inUse])
        {
            narrow[inUse] += (int)amount;
            return;
        }

        if (_used == 0)
        {
            _offset = index;
            _used = 1;
            this.Set(0, amount);
            return;
        }

        if (index < _offset)
        {
            // The kept range reaches down to the capacity below the highest bucket in use. A value below it folds into
            // that lowest bucket, never into a higher one: values that fit in between later stay above the folded ones.
            var lowest = Math.Max(index, _offset + _used - _capacity);
            var shift = _offset - lowest;
            if (shift > 0)
            {
                this.Move(0, shift, _used);
                this.Clear(0, shift);
                _offset = lowest;
                _used += shift;
            }

            if (index < lowest)
            {
                this.Collapsed += amount;
                index = lowest;
            }
        }
        else if (index - _offset >= _capacity)
        {
            // No room above: fold the lowest buckets into the new lowest one to make room.
            this.CollapseLowest(index - _offset - _capacity + 1);
        }

        var slot = index - _offset;
        if (slot >= _used)
        {
            _used = slot + 1;
        }

        this.Set(slot, this.Get(slot) + amount);
    }

    /// <summary>Adds another store's copied buckets.</summary>
    public void Add(long[] counts, int offset, long collapsed)
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

    /// <summary>Copies the buckets in use, 64-bit whatever the store's own width.</summary>
    public (long[] Counts, int Offset) Copy()
    {
        var copy = new long[_used];
        if (_wide is not null)
        {
            Array.Copy(_wide, copy, _used);
        }
        else
        {
            for (var i = 0; i < _used; i++)
            {
                copy[i] = _narrow![i];
            }
        }

        return (copy, _offset);
    }

    private void CollapseLowest(int buckets)
    {
        var fold = Math.Min(buckets, _used);
        var folded = 0L;
        for (var i = 0; i < fold; i++)
        {
            folded += this.Get(i);
        }

        this.Collapsed += folded;
        if (fold == _used)
        {
            this.Clear(0, _used);
            _offset += buckets;
            _used = 1;
            this.Set(0, folded);
            return;
        }

        this.Move(fold, 0, _used - fold);
        this.Clear(_used - fold, fold);
        _used -= fold;
        _offset += fold;
        this.Set(0, this.Get(0) + folded);
    }

    private long Get(int slot) => _wide is null ? _narrow![slot] : _wide[slot];

    private void Set(int slot, long value)
    {
        if (_wide is not null)
        {
            _wide[slot] = value;
        }
        else if (value <= int.MaxValue)
        {
            _narrow![slot] = (int)value;
        }
        else
        {
            this.Widen();
            _wide![slot] = value;
        }
    }

    private void Widen()
    {
        var wide = new long[_capacity];
        for (var i = 0; i < _used; i++)
        {
            wide[i] = _narrow![i];
        }

        _wide = wide;
        _narrow = null;
    }

    private void Move(int from, int to, int length)
    {
        if (_wide is not null)
        {
            Array.Copy(_wide, from, _wide, to, length);
        }
        else
        {
            Array.Copy(_narrow!, from, _narrow!, to, length);
        }
    }

    private void Clear(int start, int length)
    {
        if (_wide is not null)
        {
            Array.Clear(_wide, start, length);
        }
        else
        {
            Array.Clear(_narrow!, start, length);
        }
    }
}
