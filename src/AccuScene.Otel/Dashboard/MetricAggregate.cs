using AccuScene.Otel.Metrics;
using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>How a metric is merged over its series.</summary>
internal enum DashboardMetricKind
{
    Counter,
    UpDownCounter,
    Gauge,
    Histogram,
}

/// <summary>
/// One metric's dashboard state: its latest sample, merged over every series, and its downsampled history.
/// Each export is <see cref="Begin"/>, one <see cref="Add"/> per point, then <see cref="Complete"/>; nothing here
/// allocates per point, and the history is bounded by the levels' capacities whatever the number of series.
/// </summary>
internal sealed class MetricAggregate
{
    private readonly HistoryLevel[] _levels;
    private readonly SummedBuckets _buckets = new();
    private PointTotals _now;
    private double _previousTotal;
    private double _previousSum;
    private long _previousCount;
    private QuantileState? _previousState;
    private bool _hasPrevious;
    private int _previousNonFinite;
    private long _sample = -1;
    private readonly P99ExemplarPicker _exemplars = new();

    public MetricAggregate(string name, string? unit, DashboardMetricKind kind, string section, IReadOnlyList<(TimeSpan Step, int Capacity)> levels)
    {
        this.Name = name;
        this.Unit = string.IsNullOrEmpty(unit) ? null : unit;
        this.Kind = kind;
        this.Section = section;
        _levels = [.. levels.Select(l => new HistoryLevel(l.Step, l.Capacity))];
    }

    public string Name { get; }

    public string? Unit { get; }

    public DashboardMetricKind Kind { get; }

    public string Section { get; }

    public int Series => _now.Series;

    /// <summary>Gets the points of the sample left out for a NaN or infinite value.</summary>
    public int NonFinite => _now.NonFinite;

    public long HistogramCount { get; private set; }

    public DashboardPoint Latest { get; private set; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Gets a histogram's latest p99 exemplar: a measurement at or above a sample's p99 (or in its bucket) made inside a sampled span.</summary>
    public ExemplarCandidate? P99Exemplar => _exemplars.Chosen;

    /// <summary>Gets the explicit bucket bounds of a histogram (empty until seen, or for exponential histograms).</summary>
    public double[] Bounds => _buckets.Bounds;

    /// <summary>Gets this export's cumulative bucket counts, summed over the series.</summary>
    public double[]? Buckets => _buckets.Counts;

    public HistoryRing History(int level) => _levels[level].Ring;

    public long AllocatedBytes => _levels.Sum(l => (long)l.Ring.AllocatedSlots) * System.Runtime.CompilerServices.Unsafe.SizeOf<DashboardPoint>();

    /// <summary>Gets the meters that exported this metric in the sample (reused).</summary>
    public List<string> Meters { get; } = [];

    /// <summary>Gets where the latest percentiles came from: <c>sketch</c>, <c>buckets</c>, or <see langword="null"/> when there are none.</summary>
    public string? PercentileSource { get; private set; }

    /// <summary>Gets the sketch's relative error bound when <see cref="PercentileSource"/> is <c>sketch</c>.</summary>
    public double? PercentileRelativeError { get; private set; }

    /// <summary>Gets a value indicating whether every point of the sample had the same bucket layout, so the buckets could be summed.</summary>
    public bool BucketsAgree => _buckets.Agree;

    /// <summary>Starts sample <paramref name="sample"/>; returns <see langword="false"/> when it was already started (a second meter of the same name).</summary>
    public bool Begin(long sample)
    {
        if (_sample == sample)
        {
            return false;
        }

        _sample = sample;
        _now = default;
        this.Meters.Clear();
        _buckets.Clear();
        _exemplars.Begin();

        return true;
    }

    public void AddMeter(string meter)
    {
        if (!this.Meters.Contains(meter))
        {
            this.Meters.Add(meter);
        }
    }

    public void Add(in MetricPoint point, MetricType type)
    {
        _now.Add(point, type);
        if (type == MetricType.Histogram)
        {
            _buckets.Add(point);
            _exemplars.Offer(point);
        }
    }

    /// <summary>Takes the sample at <paramref name="now"/> and folds it into every history level.</summary>
    /// <param name="now">The export time.</param>
    /// <param name="seconds">
    /// The time since the previous export, or NaN at the first. The first sample of a metric only sets the
    /// baseline of its rate: an observable instrument seen late may have counted long before.
    /// </param>
    /// <param name="state">A histogram's cumulative quantile state, or <see langword="null"/>.</param>
    public void Complete(DateTimeOffset now, double seconds, QuantileState? state)
    {
        if (this.Series == 0 && _now.NonFinite == 0)
        {
            return;
        }

        var (value, rate, p50, p95, p99) = (double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double sumDelta = 0;
        long countDelta = 0;

        // Every series NaN: a gap, not the last value kept on screen.
        switch (this.Series == 0 ? (DashboardMetricKind)(-1) : this.Kind)
        {
            case DashboardMetricKind.Counter:
                value = _now.Total;
                // A drop of the total summed over series says one of them restarted, not by how much the others
                // grew: the sample shows no rate rather than a spike of the whole total.
                rate = _now.Total >= _previousTotal ? (_now.Total - _previousTotal) / seconds : double.NaN;
                break;
            case DashboardMetricKind.UpDownCounter:
                value = _now.Total;
                rate = (_now.Total - _previousTotal) / seconds;
                break;
            case DashboardMetricKind.Gauge:
                value = _now.Total / this.Series;
                break;
            case DashboardMetricKind.Histogram:
                countDelta = Math.Max(_now.Count - _previousCount, 0);
                sumDelta = countDelta > 0 ? _now.Sum - _previousSum : 0;
                value = countDelta > 0 ? sumDelta / countDelta : double.NaN;
                // A count that fell says a series went (a meter disposed): like a counter's drop, no rate this once.
                rate = _now.Count >= _previousCount ? countDelta / seconds : double.NaN;
                // Without the previous sample's state (it had none), the window's start is unknown: no percentiles
                // rather than those of everything since start.
                (p50, p95, p99) = state is null || (_hasPrevious && _previousState is null)
                    ? (double.NaN, double.NaN, double.NaN)
                    : state.Since(_previousState, this.Bounds);
                if (!double.IsNaN(p95))
                {
                    (this.PercentileSource, this.PercentileRelativeError) = (state!.Source, state.RelativeError);
                }
                else if (state is null)
                {
                    // An interval without measurements keeps saying where the percentiles on screen came from.
                    (this.PercentileSource, this.PercentileRelativeError) = (null, null);
                }
                this.HistogramCount = _now.Count;
                _exemplars.Pick(p99, this.Bounds);
                break;
        }

        // A series that was or is NaN changes what the sums hold: the others' increase is unknown this once.
        if (!double.IsFinite(rate) || !_hasPrevious || _now.NonFinite != _previousNonFinite)
        {
            rate = double.NaN;
        }

        _hasPrevious = true;
        _previousNonFinite = _now.NonFinite;
        var sample = new DashboardPoint(now.ToUnixTimeMilliseconds(), value, rate, p50, p95, p99);
        this.Latest = sample;
        if (_levels.Length == 0)
        {
            (_previousTotal, _previousSum, _previousCount, _previousState) = (_now.Total, _now.Sum, _now.Count, state);
            return;
        }

        _levels[0].Ring.Add(sample);
        for (var i = 1; i < _levels.Length; i++)
        {
            // A sample at t covers the interval ending at t, so it belongs to the bucket holding t - 1 ms.
            _levels[i].Fold(sample, sumDelta, countDelta, this.Kind, _previousState, this.Bounds);
        }

        (_previousTotal, _previousSum, _previousCount, _previousState) = (_now.Total, _now.Sum, _now.Count, state);
    }

    /// <summary>One downsampled resolution: accumulates the samples of the current bucket and writes one point per bucket.</summary>
    private sealed class HistoryLevel(TimeSpan step, int capacity)
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

        public HistoryRing Ring { get; } = new(capacity);

        public void Fold(in DashboardPoint sample, double sumDelta, long countDelta, DashboardMetricKind kind, QuantileState? before, double[] bounds)
        {
            // A wall clock set back never reopens an older bucket.
            var bucket = Math.Max((sample.UnixMilliseconds - 1) / _stepMs, _bucket);
            if (bucket != _bucket)
            {
                if (_bucket != long.MinValue)
                {
                    // The bucket ended with the previous sample, whose state closes its percentile window.
                    this.Flush(kind, before, bounds);
                }

                _bucket = bucket;
                _baseline ??= before;
            }

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

        private void Flush(DashboardMetricKind kind, QuantileState? end, double[] bounds)
        {
            var value = kind switch
            {
                DashboardMetricKind.Counter or DashboardMetricKind.UpDownCounter => _lastValue,
                DashboardMetricKind.Histogram => _countDelta > 0 ? _sumDelta / _countDelta : double.NaN,
                _ => _values > 0 ? _valueSum / _values : double.NaN,
            };
            var rate = _rates > 0 ? _rateSum / _rates : double.NaN;
            var (p50, p95, p99) = kind == DashboardMetricKind.Histogram && end is not null ? end.Since(_baseline, bounds) : (double.NaN, double.NaN, double.NaN);
            this.Ring.Add(new DashboardPoint(_bucket * _stepMs, value, rate, p50, p95, p99));
            (_values, _valueSum, _lastValue, _rates, _rateSum, _sumDelta, _countDelta, _baseline) = (0, 0, double.NaN, 0, 0, 0, 0, end);
        }
    }
}
