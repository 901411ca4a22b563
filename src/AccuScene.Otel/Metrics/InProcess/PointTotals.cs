using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// Sums of metric points, the one way the in-process consumers (the alert rules, the dashboard) read a batch: a
/// sum's or gauge's value into <see cref="Total"/>, a histogram's sum and count. A NaN or infinite value is left out
/// and counted in <see cref="NonFinite"/>, so one broken series cannot blank the others.
/// </summary>
internal struct PointTotals
{
    public int Series;
    public double Total;
    public double Sum;
    public long Count;

    /// <summary>Points left out because their value (or a histogram's sum) was NaN or infinite: one would blank every sum it joins.</summary>
    public int NonFinite;

    public void Add(in MetricPoint point, MetricType type)
    {
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
