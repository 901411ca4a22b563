using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// Sums of metric points, the one way the in-process consumers (the alert rules, the dashboard) read a batch: a
/// sum's or gauge's value into <see cref="Total"/>, a histogram's sum and count. A NaN or infinite value is left out
/// and counted in <see cref="NonFinite"/>, so one broken series cannot blank the others. <see cref="Fingerprint"/> tells
/// which series were summed: two sums compare (a rate, a mean since the last sample) only over the same series.
/// </summary>
internal struct PointTotals
{
    public int Series;
    public double Total;
    public double Sum;
    public long Count;

    /// <summary>Points left out because their value (or a histogram's sum) was NaN or infinite: one would blank every sum it joins.</summary>
    public int NonFinite;

    /// <summary>
    /// The sum of a hash of every point's tags, in any order: equal for the same set of series (NaN ones included),
    /// different (but for a collision of 64-bit hashes) when one went and another came, as their counts alone would not say.
    /// </summary>
    public ulong Fingerprint;

    public void Add(in MetricPoint point, MetricType type)
    {
        this.Fingerprint += SeriesHash(point);
        switch (type)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                this.AddValue(point.GetSumLong());
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                this.AddValue(point.GetSumDouble());
                break;
            case MetricType.LongGauge:
                this.AddValue(point.GetGaugeLastValueLong());
                break;
            case MetricType.DoubleGauge:
                this.AddValue(point.GetGaugeLastValueDouble());
                break;
            case MetricType.Histogram or MetricType.ExponentialHistogram:
                var sum = point.GetHistogramSum();
                if (!double.IsFinite(sum))
                {
                    this.NonFinite++;
                    break;
                }

                this.Series++;
                this.Sum += sum;
                this.Count += point.GetHistogramCount();
                break;
            default:
                this.Series++;
                break;
        }
    }

    // FNV-1a over the tags' keys and texts (as the percentiles store them), then mixed so that sums rarely collide.
    private static ulong SeriesHash(in MetricPoint point)
    {
        Span<char> buffer = stackalloc char[TagText.BufferLength];
        var hash = 14695981039346656037UL;
        foreach (var tag in point.Tags)
        {
            hash = (hash ^ (uint)string.GetHashCode(tag.Key.AsSpan())) * 1099511628211UL;
            hash = (hash ^ (uint)ValueHash(tag.Value, buffer)) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        return hash ^ (hash >> 33);
    }

    // A tag value is the app's object: one whose ToString throws (a proxy whose context is gone) is told by its type.
    private static int ValueHash(object? value, Span<char> buffer)
    {
        try
        {
            return TagText.Hash(value, buffer);
        }
#pragma warning disable CA1031 // Application code must not stop the in-process consumers.
        catch (Exception)
#pragma warning restore CA1031
        {
            return value!.GetType().GetHashCode();
        }
    }

    /// <summary>Adds another part of the same export (the same metric name from another meter).</summary>
    public void Merge(in PointTotals other)
    {
        this.Series += other.Series;
        this.Total += other.Total;
        this.Sum += other.Sum;
        this.Count += other.Count;
        this.NonFinite += other.NonFinite;
        this.Fingerprint += other.Fingerprint;
    }

    private void AddValue(double value)
    {
        if (double.IsFinite(value))
        {
            this.Series++;
            this.Total += value;
        }
        else
        {
            this.NonFinite++;
        }
    }
}
