namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>A consistent copy of a <see cref="RelativeErrorSketch"/>, read without holding its lock.</summary>
internal readonly record struct Snapshot(int[] Counts, int Offset, long ZeroCount, long Count, double Sum, double Min, double Max, long Rejected, long Collapsed)
{
    /// <summary>What was added after <paramref name="earlier"/>, a copy of the same sketch (negative buckets clamp to 0).</summary>
    public Snapshot Minus(Snapshot earlier)
    {
        var low = Math.Min(this.Offset, earlier.Offset);
        var high = Math.Max(this.Offset + this.Counts.Length, earlier.Offset + earlier.Counts.Length);
        var counts = new int[Math.Max(high - low, 0)];
        long count = Math.Max(this.ZeroCount - earlier.ZeroCount, 0);
        var zero = count;
        for (var i = 0; i < counts.Length; i++)
        {
            var index = low + i;
            var now = index >= this.Offset && index < this.Offset + this.Counts.Length ? this.Counts[index - this.Offset] : 0;
            var then = index >= earlier.Offset && index < earlier.Offset + earlier.Counts.Length ? earlier.Counts[index - earlier.Offset] : 0;
            counts[i] = Math.Max(now - then, 0);
            count += counts[i];
        }

        return new Snapshot(counts, low, zero, count, this.Sum - earlier.Sum, this.Min, this.Max, 0, 0);
    }

    /// <summary>The value at <paramref name="quantile"/>, clamped into [min, max]; NaN when empty.</summary>
    public double Quantile(double quantile, double gamma)
    {
        if (this.Count == 0 || double.IsNaN(quantile))
        {
            return double.NaN;
        }

        var q = Math.Clamp(quantile, 0, 1);
        var rank = q * (this.Count - 1);
        if (rank < this.ZeroCount)
        {
            return 0;
        }

        var seen = (double)this.ZeroCount;
        for (var i = 0; i < this.Counts.Length; i++)
        {
            seen += this.Counts[i];
            if (seen > rank)
            {
                var estimate = 2 * Math.Pow(gamma, this.Offset + i) / (gamma + 1);
                return Math.Clamp(estimate, this.Min, this.Max);
            }
        }

        return this.Max;
    }
}

/// <summary>Count, sum, min, max and the requested quantiles of one series.</summary>
internal sealed record SketchSummary(long Count, double Sum, double Min, double Max, IReadOnlyList<double> Quantiles)
{
    public double Mean => this.Count == 0 ? double.NaN : this.Sum / this.Count;
}
