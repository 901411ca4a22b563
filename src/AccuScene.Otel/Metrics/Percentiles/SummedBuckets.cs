using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.Percentiles;

/// <summary>
/// Explicit-bucket counts summed over histogram points, reused from export to export. The layout comes from
/// the round's first point; a point with other boundaries (another meter's) cannot be added bucket by bucket,
/// so it clears <see cref="Agree"/> for the round.
/// </summary>
internal sealed class SummedBuckets
{
    private double[]? _counts;
    private bool _first = true;

    /// <summary>Gets the explicit upper bounds (the last bucket, +Inf, has none); empty until a point is added.</summary>
    public double[] Bounds { get; private set; } = [];

    /// <summary>Gets the summed cumulative counts per bucket, one more than <see cref="Bounds"/>, or <see langword="null"/> before any point.</summary>
    public double[]? Counts => _counts;

    /// <summary>Gets a value indicating whether every point of this round had the same boundaries.</summary>
    public bool Agree { get; private set; } = true;

    public void Clear()
    {
        this.Agree = true;
        _first = true;
        if (_counts is { } counts)
        {
            Array.Clear(counts);
        }
    }

    public void Add(in MetricPoint point)
    {
        if (_counts is null || (_first && !this.SameBounds(point)))
        {
            var bounds = new List<double>();
            foreach (var bucket in point.GetHistogramBuckets())
            {
                if (!double.IsPositiveInfinity(bucket.ExplicitBound))
                {
                    bounds.Add(bucket.ExplicitBound);
                }
            }

            this.Bounds = [.. bounds];
            _counts = new double[bounds.Count + 1];
        }

        _first = false;
        if (!this.SameBounds(point))
        {
            this.Agree = false;
            return;
        }

        var counts = _counts;
        var i = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            counts[i++] += bucket.BucketCount;
        }
    }

    // The same number of buckets with the same upper bounds (the last one is +Inf).
    private bool SameBounds(in MetricPoint point)
    {
        var bounds = this.Bounds;
        var i = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            if (i < bounds.Length ? bucket.ExplicitBound != bounds[i] : !(i == bounds.Length && double.IsPositiveInfinity(bucket.ExplicitBound)))
            {
                return false;
            }

            i++;
        }

        return i == bounds.Length + 1;
    }
}
