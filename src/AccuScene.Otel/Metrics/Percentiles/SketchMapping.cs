using System.Collections.Concurrent;

namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// Maps a positive value to a bucket index without a logarithm: the index is the value's binary exponent
/// times <see cref="BucketsPerOctave"/>, plus a table lookup on the top bits of its mantissa. Every bucket
/// spans at most a ratio of (1 + α) / (1 − α), so the value reported for it (the harmonic mean of its
/// bounds) is within α of every value in it. One table per accuracy, shared by every sketch.
/// </summary>
internal sealed class SketchMapping
{
    private static readonly ConcurrentDictionary<double, SketchMapping> ByAccuracy = new();

    private readonly ushort[] _subBucket;      // mantissa top bits -> sub-bucket within the octave
    private readonly double[] _representative; // sub-bucket -> reported mantissa, in [1, 2)
    private readonly int _shift;

    private SketchMapping(double relativeAccuracy, int mantissaBits, int bucketsPerOctave, ushort[] subBucket, double[] representative)
    {
        this.RelativeAccuracy = relativeAccuracy;
        this.BucketsPerOctave = bucketsPerOctave;
        _subBucket = subBucket;
        _representative = representative;
        _shift = 52 - mantissaBits;
    }

    /// <summary>Gets α, the bound this mapping keeps.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Gets how many buckets one power of two is split into.</summary>
    public int BucketsPerOctave { get; }

    /// <summary>Gets (or builds once) the mapping for <paramref name="relativeAccuracy"/>, 0.0001 to 0.1.</summary>
    /// <remarks>At most eight accuracies are kept (a table is 32 to 128 KiB); further ones get a table of their own.</remarks>
    public static SketchMapping For(double relativeAccuracy) =>
        ByAccuracy.TryGetValue(relativeAccuracy, out var mapping) ? mapping
        : ByAccuracy.Count < 8 ? ByAccuracy.GetOrAdd(relativeAccuracy, Build)
        : Build(relativeAccuracy);

    /// <summary>The bucket of a positive, normal, finite value.</summary>
    public int Index(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)(bits >> 52) - 1023;
        return (exponent * this.BucketsPerOctave) + _subBucket[(int)((bits & 0xF_FFFF_FFFF_FFFFL) >> _shift)];
    }

    /// <summary>The value reported for bucket <paramref name="index"/>: within α of every value mapped to it.</summary>
    public double Value(int index)
    {
        var octave = Math.DivRem(index, this.BucketsPerOctave, out var sub);
        if (sub < 0)
        {
            sub += this.BucketsPerOctave;
            octave--;
        }

        return Math.ScaleB(_representative[sub], octave);
    }

    private static SketchMapping Build(double relativeAccuracy)
    {
        var gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        foreach (var bits in (ReadOnlySpan<int>)[14, 16])
        {
            var cell = Math.Pow(2, -bits);
            var perStep = gamma / (1 + cell);
            if (perStep <= 1)
            {
                continue;
            }

            // A bucket is whole table cells, so it can be one cell wider than 2^(1/m): start from the m
            // that leaves room for that, and step up until every bucket really is within α.
            for (var m = (int)Math.Ceiling(1 / Math.Log2(perStep)); m <= ushort.MaxValue && m * 4 <= (1 << bits); m++)
            {
                if (TryBuild(relativeAccuracy, bits, m) is { } mapping)
                {
                    return mapping;
                }
            }
        }

        throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "No table-driven mapping keeps this relative accuracy.");
    }

    private static SketchMapping? TryBuild(double relativeAccuracy, int bits, int m)
    {
        var cells = 1 << bits;
        var subBucket = new ushort[cells];
        var lower = new double[m + 1];
        lower.AsSpan().Fill(double.NaN);
        lower[m] = 2;
        for (var j = 0; j < cells; j++)
        {
            var mantissa = 1 + ((double)j / cells);
            var sub = Math.Min((int)Math.Floor(m * Math.Log2(mantissa)), m - 1);
            subBucket[j] = (ushort)sub;
            if (double.IsNaN(lower[sub]))
            {
                lower[sub] = mantissa;
            }
        }

        var representative = new double[m];
        for (var s = 0; s < m; s++)
        {
            if (double.IsNaN(lower[s]))
            {
                return null; // a bucket no cell starts in
            }

            var (low, high) = (lower[s], lower[s + 1]);
            if ((high - low) / (high + low) > relativeAccuracy)
            {
                return null;
            }

            representative[s] = 2 * low * high / (low + high);
        }

        return new SketchMapping(relativeAccuracy, bits, m, subBucket, representative);
    }
}
