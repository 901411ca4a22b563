namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// A mergeable quantile sketch with a guaranteed relative error (the DDSketch construction): a value falls
/// into a bucket by its magnitude (<see cref="SketchMapping"/>, from the exponent bits and a table, so no
/// logarithm per value), and a bucket is reported as a value within α of every value in it. Negative values
/// have buckets of their own and zeros a counter, so every finite value is kept; count, sum, min and max are
/// exact. NaN and ±∞ are counted in <see cref="NonFinite"/> and left out of everything else.
/// <para>
/// Memory is bounded: <see cref="MaxBuckets"/> counters for positive values (4 KiB) and <see cref="MaxNegativeBuckets"/>
/// for negative ones (3.5 KiB, allocated only when a negative value arrives), so a series of both signs stays under
/// 8,000 bytes; a sign whose counter passes 2³¹ − 1 doubles its share. At α = 1% a bucket is 1/35 of an octave, so
/// 1024 buckets span about 8.8 decades of magnitude (896 about 7.7); every percentile whose value lies within that
/// span below the largest magnitude of its sign keeps the bound, and only those below it (folded into the lowest
/// bucket kept, counted in <see cref="Collapsed"/>) lose it.
/// </para>
/// Thread-safe.
/// </summary>
internal sealed class RelativeErrorSketch
{
    /// <summary>The most buckets one sign of a sketch keeps.</summary>
    public const int MaxBuckets = 1024;

    /// <summary>
    /// The most buckets the negative sign keeps: 128 fewer than <see cref="MaxBuckets"/>, so that both signs
    /// together stay within 8,000 bytes.
    /// </summary>
    public const int MaxNegativeBuckets = 896;

    // Below the smallest normal double, the exponent bits no longer give the magnitude: such values count as zero.
    private const double SmallestNormal = 2.2250738585072014E-308;

    private readonly Lock _gate = new();
    private readonly SketchMapping _mapping;
    private readonly SketchStore _positive = new();
    private SketchStore? _negative;
    private long _zeroCount;
    private long _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long _nonFinite;

    /// <summary>Creates a sketch with relative accuracy <paramref name="relativeAccuracy"/>, 0.0001 to 0.1.</summary>
    public RelativeErrorSketch(double relativeAccuracy = 0.01)
    {
        if (!(relativeAccuracy >= 0.0001 && relativeAccuracy <= 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "The relative accuracy must be between 0.0001 and 0.1.");
        }

        _mapping = SketchMapping.For(relativeAccuracy);
    }

    /// <summary>Creates a sketch on a mapping its owner already holds, so no sketch builds a table of its own.</summary>
    internal RelativeErrorSketch(SketchMapping mapping) => _mapping = mapping;

    /// <summary>Gets α, the bound on the relative error of every quantile.</summary>
    public double RelativeAccuracy => _mapping.RelativeAccuracy;

    /// <summary>Gets how many finite values were added.</summary>
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

    /// <summary>Gets how many NaN or infinite values were left out; they are counted, never thrown.</summary>
    public long NonFinite => Interlocked.Read(ref _nonFinite);

    /// <summary>
    /// Gets how many times values were moved into a lowest bucket because the range outgrew the memory bound (a value
    /// moved twice counts twice): non-zero means the lowest percentiles may have lost the bound.
    /// </summary>
    public long Collapsed
    {
        get
        {
            lock (_gate)
            {
                return _positive.Collapsed + (_negative?.Collapsed ?? 0);
            }
        }
    }

    /// <summary>Adds one value. NaN and infinite values are counted in <see cref="NonFinite"/> and left out.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            Interlocked.Increment(ref _nonFinite);
            return;
        }

        var magnitude = Math.Abs(value);
        var index = magnitude >= SmallestNormal ? _mapping.Index(magnitude) : int.MinValue;
        lock (_gate)
        {
            _count++;
            _sum += value;
            if (value < _min)
            {
                _min = value;
            }

            if (value > _max)
            {
                _max = value;
            }

            if (index == int.MinValue)
            {
                _zeroCount++;
            }
            else if (value > 0)
            {
                _positive.Increment(index, 1);
            }
            else
            {
                (_negative ??= new SketchStore(MaxNegativeBuckets)).Increment(index, 1);
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

        var snapshot = other.Capture();
        lock (_gate)
        {
            _count += snapshot.Count;
            _sum += snapshot.Sum;
            _zeroCount += snapshot.ZeroCount;
            Interlocked.Add(ref _nonFinite, snapshot.NonFinite);
            if (snapshot.Count > 0)
            {
                _min = Math.Min(_min, snapshot.Min);
                _max = Math.Max(_max, snapshot.Max);
            }

            _positive.Add(snapshot.Positive, snapshot.PositiveOffset, snapshot.PositiveCollapsed);
            if (snapshot.Negative.Length > 0 || snapshot.NegativeCollapsed > 0)
            {
                (_negative ??= new SketchStore(MaxNegativeBuckets)).Add(snapshot.Negative, snapshot.NegativeOffset, snapshot.NegativeCollapsed);
            }
        }
    }

    /// <summary>Takes a consistent copy of the statistics and the requested quantiles.</summary>
    /// <param name="quantiles">Quantiles in [0, 1].</param>
    public SketchSummary Summarize(ReadOnlySpan<double> quantiles)
    {
        var snapshot = this.Capture();
        var values = new double[quantiles.Length];
        for (var q = 0; q < quantiles.Length; q++)
        {
            values[q] = snapshot.Quantile(quantiles[q]);
        }

        return new SketchSummary(snapshot.Count, snapshot.Sum, snapshot.Count == 0 ? double.NaN : snapshot.Min, snapshot.Count == 0 ? double.NaN : snapshot.Max, values);
    }

    /// <summary>Returns the value at quantile <paramref name="quantile"/> (0 to 1, by <see cref="NearestRank"/>), or NaN when empty.</summary>
    public double Quantile(double quantile) => this.Capture().Quantile(quantile);

    /// <summary>Takes a consistent copy.</summary>
    public Snapshot Capture()
    {
        lock (_gate)
        {
            var (positive, positiveOffset) = _positive.Copy();
            var (negative, negativeOffset) = _negative?.Copy() ?? ([], 0);
            return new Snapshot(_mapping, positive, positiveOffset, negative, negativeOffset, _zeroCount, _count, _sum, _min, _max)
            {
                NonFinite = Interlocked.Read(ref _nonFinite),
                PositiveCollapsed = _positive.Collapsed,
                NegativeCollapsed = _negative?.Collapsed ?? 0,
            };
        }
    }
}
