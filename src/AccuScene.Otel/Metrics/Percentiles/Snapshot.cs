namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>A consistent copy of a <see cref="RelativeErrorSketch"/>, read without holding its lock.</summary>
/// <param name="Mapping">The sketch's bucket mapping.</param>
/// <param name="Positive">Counts of the positive buckets, from <paramref name="PositiveOffset"/> up.</param>
/// <param name="PositiveOffset">The bucket index of <paramref name="Positive"/>[0].</param>
/// <param name="Negative">Counts of the negative values' buckets (by magnitude), from <paramref name="NegativeOffset"/> up.</param>
/// <param name="NegativeOffset">The bucket index of <paramref name="Negative"/>[0].</param>
/// <param name="ZeroCount">Zeros (and magnitudes below the smallest normal double).</param>
/// <param name="Count">Finite values.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Min">The smallest, or +∞ when empty.</param>
/// <param name="Max">The largest, or −∞ when empty.</param>
internal readonly record struct Snapshot(
    SketchMapping Mapping, long[] Positive, int PositiveOffset, long[] Negative, int NegativeOffset, long ZeroCount, long Count, double Sum, double Min, double Max)
{
    /// <summary>Gets how many NaN or infinite values were left out.</summary>
    public long NonFinite { get; init; }

    /// <summary>Gets how many positive values were folded into the lowest positive bucket.</summary>
    public long PositiveCollapsed { get; init; }

    /// <summary>Gets how many negative values were folded into the bucket of smallest magnitude.</summary>
    public long NegativeCollapsed { get; init; }

    /// <summary>Gets a value indicating whether this is the difference of two copies: its min and max are the whole sketch's, not the window's.</summary>
    public bool IsWindow { get; init; }

    /// <summary>Gets the identities of the instrument series a merged copy was taken over, in order; <see langword="null"/> for a sketch's own copy.</summary>
    public long[]? Sources { get; init; }

    /// <summary>
    /// Returns whether <paramref name="earlier"/> is a copy of the same series, so <see cref="Minus"/> means what was
    /// added since: not when a meter left, joined, or was disposed and created again under its name.
    /// </summary>
    public bool SameSources(Snapshot earlier) =>
        this.Sources is null || earlier.Sources is null ? this.Sources == earlier.Sources : this.Sources.AsSpan().SequenceEqual(earlier.Sources);

    /// <summary>What was added after <paramref name="earlier"/>, a copy of the same sketch (negative buckets clamp to 0).</summary>
    public Snapshot Minus(Snapshot earlier)
    {
        var (positive, positiveOffset, positiveCount) = Subtract(this.Positive, this.PositiveOffset, earlier.Positive, earlier.PositiveOffset);
        var (negative, negativeOffset, negativeCount) = Subtract(this.Negative, this.NegativeOffset, earlier.Negative, earlier.NegativeOffset);
        var zero = Math.Max(this.ZeroCount - earlier.ZeroCount, 0);
        return new Snapshot(this.Mapping, positive, positiveOffset, negative, negativeOffset, zero, zero + positiveCount + negativeCount, this.Sum - earlier.Sum, this.Min, this.Max)
        {
            IsWindow = true,
        };
    }

    /// <summary>The value at <paramref name="quantile"/> by <see cref="NearestRank"/>, clamped into [min, max]; NaN when empty.</summary>
    public double Quantile(double quantile)
    {
        if (this.Count == 0 || double.IsNaN(quantile))
        {
            return double.NaN;
        }

        if (!this.IsWindow && (quantile <= 0 || quantile >= 1))
        {
            return quantile <= 0 ? this.Min : this.Max; // exact for a whole sketch; a window walks its own buckets
        }

        var target = NearestRank.Target(quantile, this.Count);
        var seen = 0.0;

        // From the most negative value up: negative buckets by falling magnitude, zeros, positive buckets.
        for (var i = this.Negative.Length - 1; i >= 0; i--)
        {
            seen += this.Negative[i];
            if (NearestRank.Reached(seen, this.Negative[i], target))
            {
                return Math.Clamp(-this.Mapping.Value(this.NegativeOffset + i), this.Min, this.Max);
            }
        }

        seen += this.ZeroCount;
        if (NearestRank.Reached(seen, this.ZeroCount, target))
        {
            return Math.Clamp(0, this.Min, this.Max);
        }

        for (var i = 0; i < this.Positive.Length; i++)
        {
            seen += this.Positive[i];
            if (NearestRank.Reached(seen, this.Positive[i], target))
            {
                return Math.Clamp(this.Mapping.Value(this.PositiveOffset + i), this.Min, this.Max);
            }
        }

        return this.Max;
    }

    private static (long[] Counts, int Offset, long Total) Subtract(long[] now, int nowOffset, long[] then, int thenOffset)
    {
        if (now.Length == 0)
        {
            return ([], 0, 0);
        }

        var counts = new long[now.Length];
        var total = 0L;
        for (var i = 0; i < counts.Length; i++)
        {
            var index = nowOffset + i - thenOffset;
            var before = index >= 0 && index < then.Length ? then[index] : 0;
            if (i == 0)
            {
                // Buckets below the current lowest one were folded into it since: their earlier counts are in it too.
                for (var j = 0; j < Math.Min(index, then.Length); j++)
                {
                    before += then[j];
                }
            }

            counts[i] = Math.Max(now[i] - before, 0);
            total += counts[i];
        }

        return (counts, nowOffset, total);
    }
}

/// <summary>Count, sum, min, max and the requested quantiles of one series.</summary>
internal sealed record SketchSummary(long Count, double Sum, double Min, double Max, IReadOnlyList<double> Quantiles)
{
    public double Mean => this.Count == 0 ? double.NaN : this.Sum / this.Count;
}
