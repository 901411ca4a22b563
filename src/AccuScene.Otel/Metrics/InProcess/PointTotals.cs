using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Metrics.InProcess;

/// <summary>
/// Sums of metric points, the one way the in-process consumers (the alert rules, the dashboard) read a batch: a
/// sum's or gauge's value into <see cref="Total"/>, a histogram's sum and count.
/// </summary>
internal struct PointTotals
{
    public int Series;
    public double Total;
    public double Sum;
    public long Count;

    public void Add(in MetricPoint point, MetricType type)
    {
        this.Series++;
        switch (type)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                this.Total += point.GetSumLong();
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                this.Total += point.GetSumDouble();
                break;
            case MetricType.LongGauge:
                this.Total += point.GetGaugeLastValueLong();
                break;
            case MetricType.DoubleGauge:
                this.Total += point.GetGaugeLastValueDouble();
                break;
            case MetricType.Histogram or MetricType.ExponentialHistogram:
                this.Sum += point.GetHistogramSum();
                this.Count += point.GetHistogramCount();
                break;
        }
    }
}
