using AccuScene.Otel.Metrics.Percentiles;

namespace AccuScene.Otel.Dashboard;

/// <summary>One downsampled resolution of a <see cref="MetricAggregate"/>'s history: accumulates the samples of the current bucket and writes one point per bucket.</summary>
internal sealed class MetricHistoryLevel(TimeSpan step, int capacity)
{
    private readonly long _stepMs = (long)step.TotalMilliseconds;
    private long _bucket = long.MinValue;
    private int _values;
    private double _valueSum;
    private double _lastValue = double.NaN;
    private int _rates;
    private double _rateSum;
    private double _sumDelta;
    private long _countDelta;
    private QuantileState? _baseline;
    private bool _baselineKnown;
    private bool _endsInGap;

    public HistoryRing Ring { get; } = new(capacity);

    /// <param name="sample">The sample.</param>
    /// <param name="sumDelta">A histogram's increase of its sum.</param>
    /// <param name="countDelta">A histogram's increase of its count.</param>
    /// <param name="kind">The metric's kind.</param>
    /// <param name="before">The quantile state the previous sample ended with.</param>
    /// <param name="baselineKnown">Whether the sample's own percentile window is known.</param>
    /// <param name="bounds">The histogram's bucket bounds.</param>
    /// <param name="gap">The metric had no point: the sample is the start of a gap.</param>
    public void Fold(in DashboardPoint sample, double sumDelta, long countDelta, DashboardMetricKind kind, QuantileState? before, bool baselineKnown, double[] bounds, bool gap = false)
    {
        // A wall clock set back never reopens an older bucket.
        var bucket = Math.Max((sample.UnixMilliseconds - 1) / _stepMs, _bucket);
        if (bucket != _bucket)
        {
            if (_bucket != long.MinValue)
            {
                // The bucket ended with the previous sample, whose state closes its percentile window.
                this.Flush(kind, before, bounds, bucket);
            }
            else
            {
                // The first bucket starts where the metric's first sample does (everything since start).
                _baselineKnown = true;
            }

            _bucket = bucket;
        }

        // A sample whose own window is unknown (a gap, a changed series set) leaves the bucket's unknown too.
        _baselineKnown &= baselineKnown;

        // A gap is sampled once, however long it lasts: a bucket it ends must break the line after it, or the chart
        // would draw across every bucket the metric was away for. Coming back within the bucket mends it.
        _endsInGap = gap;

        if (!double.IsNaN(sample.Value))
        {
            _values++;
            _valueSum += sample.Value;
            _lastValue = sample.Value;
        }

        if (!double.IsNaN(sample.Rate))
        {
            _rates++;
            _rateSum += sample.Rate;
        }

        _sumDelta += sumDelta;
        _countDelta += countDelta;
    }

    private void Flush(DashboardMetricKind kind, QuantileState? end, double[] bounds, long next)
    {
        var value = kind switch
        {
            DashboardMetricKind.Counter or DashboardMetricKind.UpDownCounter => _lastValue,
            DashboardMetricKind.Histogram => _countDelta > 0 ? _sumDelta / _countDelta : double.NaN,
            _ => _values > 0 ? _valueSum / _values : double.NaN,
        };
        var rate = _rates > 0 ? _rateSum / _rates : double.NaN;
        var (p50, p95, p99) = kind == DashboardMetricKind.Histogram && end is not null && _baselineKnown ? end.Since(_baseline, bounds) : (double.NaN, double.NaN, double.NaN);
        this.Ring.Add(new DashboardPoint(_bucket * _stepMs, value, rate, p50, p95, p99));
        // Only when buckets without a sample follow: a metric back in the next bucket was away for less than one.
        if (_endsInGap && next > _bucket + 1)
        {
            this.Ring.Add(new DashboardPoint((_bucket + 1) * _stepMs, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN));
        }

        _endsInGap = false;

        (_values, _valueSum, _lastValue, _rates, _rateSum, _sumDelta, _countDelta) = (0, 0, double.NaN, 0, 0, 0, 0);
        (_baseline, _baselineKnown) = (end, end is not null);
    }
}
