namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// A mergeable quantile sketch with a guaranteed relative error (the DDSketch construction): a positive
/// value <c>x</c> falls into bucket <c>i = ceil(log_γ x)</c> with <c>γ = (1 + α) / (1 − α)</c>, and the bucket
/// is reported as <c>2γ^i / (γ + 1)</c>, which is within <c>α</c> of every value in it. Memory is bounded by
/// <see cref="MaxBuckets"/> counters (4 KiB); when the values span more than that many buckets (about
/// 8.9 decades at α = 1%), the lowest buckets are folded together, so only the lowest quantiles can lose
/// accuracy, never the upper ones that latency percentiles use. Thread-safe.
/// </summary>
internal sealed class RelativeErrorSketch
{
    /// <summary>The most buckets one sketch keeps.</summary>
    public const int MaxBuckets = 1024;

    private readonly Lock _gate = new();
    private readonly double _gamma;
    private readonly double _logGamma;
    private readonly int[] _counts = new int[MaxBuckets];
    private int _offset;          // bucket index of _counts[0]
    private int _used;            // number of slots in use, from _counts[0]
    private long _zeroCount;
    private long _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long _collapsed;
    private long _rejected;

    /// <summary>Creates a sketch with relative accuracy <paramref name="relativeAccuracy"/> (0 &lt; α &lt; 1).</summary>
    public RelativeErrorSketch(double relativeAccuracy = 0.01)
    {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must be between 0 and 1, exclusive.");
        }

        this.RelativeAccuracy = relativeAccuracy;
        _gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _logGamma = Math.Log(_gamma);
    }

    /// <summary>Gets α, the bound on the relative error of every quantile.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Gets how many values were added.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Gets how many values were refused (negative, NaN or infinite); they are counted, never thrown.</summary>
    public long Rejected
    {
        get
        {
            lock (_gate)
            {
                return _rejected;
            }
        }
    }

    /// <summary>Gets how many values were folded into the lowest bucket because the range outgrew the memory bound.</summary>
    public long Collapsed
    {
        get
        {
            lock (_gate)
            {
                return _collapsed;
            }
        }
    }

    /// <summary>Adds one value. Negative, NaN and infinite values are refused and counted.</summary>
    public void Add(double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            lock (_gate)
            {
                _rejected++;
            }

            return;
        }

        // Values below the smallest normal double are treated as zero, as DDSketch does.
        var index = value < double.Epsilon * 4 ? int.MinValue : (int)Math.Ceiling(Math.Log(value) / _logGamma);
        lock (_gate)
        {
            _count++;
            _sum += value;
            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
            if (index == int.MinValue)
            {
                _zeroCount++;
            }
            else
            {
                this.Increment(index, 1);
            }
        }
    }

    /// <summary>Adds every value of <paramref name="other"/>, which must have the same accuracy.</summary>
    public void Merge(RelativeErrorSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.RelativeAccuracy != this.RelativeAccuracy)
        {
            throw new ArgumentException("Only sketches with the same relative accuracy can be merged.", nameof(other));
        }

        var snapshot = other.Snapshot();
        lock (_gate)
        {
            _count += snapshot.Count;
            _sum += snapshot.Sum;
            _zeroCount += snapshot.ZeroCount;
            _rejected += snapshot.Rejected;
            _collapsed += snapshot.Collapsed;
            if (snapshot.Count > 0)
            {
                _min = Math.Min(_min, snapshot.Min);
                _max = Math.Max(_max, snapshot.Max);
            }

            for (var i = 0; i < snapshot.Counts.Length; i++)
            {
                if (snapshot.Counts[i] > 0)
                {
                    this.Increment(snapshot.Offset + i, snapshot.Counts[i]);
                }
            }
        }
    }

    /// <summary>Takes a consistent copy of the statistics and the requested quantiles.</summary>
    /// <param name="quantiles">Quantiles in [0, 1].</param>
    public SketchSummary Summarize(ReadOnlySpan<double> quantiles)
    {
        var snapshot = this.Snapshot();
        var values = new double[quantiles.Length];
        for (var q = 0; q < quantiles.Length; q++)
        {
            values[q] = snapshot.Quantile(quantiles[q], _gamma);
        }

        return new SketchSummary(snapshot.Count, snapshot.Sum, snapshot.Count == 0 ? double.NaN : snapshot.Min, snapshot.Count == 0 ? double.NaN : snapshot.Max, values);
    }

    /// <summary>Returns the value at quantile <paramref name="quantile"/> (0 to 1), or NaN when empty.</summary>
    public double Quantile(double quantile) => this.Snapshot().Quantile(quantile, _gamma);

    /// <summary>Gets the bucket growth factor, to read quantiles from snapshots.</summary>
    public double Gamma => _gamma;

    /// <summary>Takes a consistent copy.</summary>
    public Snapshot Capture() => this.Snapshot();

    private Snapshot Snapshot()
    {
        lock (_gate)
        {
            return new Snapshot(_counts.AsSpan(0, _used).ToArray(), _offset, _zeroCount, _count, _sum, _min, _max, _rejected, _collapsed);
        }
    }

    private void Increment(int index, int amount)
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
            if (_used + shift <= MaxBuckets)
            {
                Array.Copy(_counts, 0, _counts, shift, _used);
                Array.Clear(_counts, 0, shift);
                _offset = index;
                _used += shift;
            }
            else
            {
                // No room below: fold into the lowest bucket kept.
                _collapsed += amount;
                index = _offset;
            }
        }
        else if (index - _offset >= MaxBuckets)
        {
            // No room above: drop the lowest buckets into the new lowest one to make room.
            var needed = index - _offset - MaxBuckets + 1;
            this.CollapseLowest(needed);
        }

        var slot = index - _offset;
        if (slot >= _used)
        {
            _used = slot + 1;
        }

        _counts[slot] = _counts[slot] > int.MaxValue - amount ? int.MaxValue : _counts[slot] + amount;
    }

    private void CollapseLowest(int buckets)
    {
        if (buckets >= _used)
        {
            var total = 0L;
            for (var i = 0; i < _used; i++)
            {
                total += _counts[i];
            }

            _collapsed += total;
            Array.Clear(_counts, 0, _used);
            _offset += buckets;
            _counts[0] = (int)Math.Min(total, int.MaxValue);
            _used = 1;
            return;
        }

        var folded = 0L;
        for (var i = 0; i < buckets; i++)
        {
            folded += _counts[i];
        }

        _collapsed += folded;
        Array.Copy(_counts, buckets, _counts, 0, _used - buckets);
        Array.Clear(_counts, _used - buckets, buckets);
        _used -= buckets;
        _offset += buckets;
        _counts[0] = (int)Math.Min(_counts[0] + folded, int.MaxValue);
    }
}
