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
    private readonly MetricHistoryLevel[] _levels;
    private readonly SummedBuckets _buckets = new();
    private PointTotals _now;
    private double _previousTotal;
    private double _previousSum;
    private long _previousCount;
    private QuantileState? _previousState;
    private SeriesContinuity _series;
    private long _sample = -1;
    private long _completed = NeverCompleted;
    private readonly P99ExemplarPicker _exemplars = new();

    public MetricAggregate(string name, string? unit, DashboardMetricKind kind, string section, IReadOnlyList<(TimeSpan Step, int Capacity)> levels)
    {
        this.Name = name;
        this.Unit = string.IsNullOrEmpty(unit) ? null : unit;
        this.Kind = kind;
        this.Section = section;
        _levels = [.. levels.Select(l => new MetricHistoryLevel(l.Step, l.Capacity))];
    }

    public string Name { get; }

    public string? Unit { get; }

    public DashboardMetricKind Kind { get; }

    public string Section { get; }

    /// <summary>Gets the last sample the metric was in, with points or not (-1 before the first).</summary>
    public long LastSeen => _sample;

    private const long NeverCompleted = long.MinValue;

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
            this.Miss(now);
            return;
        }

        var first = _completed == NeverCompleted;
        // The totals compare with the previous ones only when both are sums over the same series (SeriesContinuity) of
        // consecutive samples: a metric missing from the sample before would add two intervals' increase as one.
        var sameSeries = _series.Follow(_now);
        var continuous = !first && _completed == _sample - 1 && sameSeries;
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
                rate = continuous && _now.Total >= _previousTotal ? (_now.Total - _previousTotal) / seconds : double.NaN;
                break;
            case DashboardMetricKind.UpDownCounter:
                value = _now.Total;
                rate = continuous ? (_now.Total - _previousTotal) / seconds : double.NaN;
                break;
            case DashboardMetricKind.Gauge:
                value = _now.Total / this.Series;
                break;
            case DashboardMetricKind.Histogram:
                // A count that fell says a series went (a meter disposed): like a counter's drop, no rate this once.
                continuous &= _now.Count >= _previousCount;
                // The first sample's mean is over everything since start; its rate is unknown, as a counter's.
                countDelta = continuous || first ? _now.Count - _previousCount : 0;
                sumDelta = countDelta > 0 ? _now.Sum - _previousSum : 0;
                value = countDelta > 0 ? sumDelta / countDelta : double.NaN;
                rate = continuous ? countDelta / seconds : double.NaN;
                (p50, p95, p99) = WindowKnown(first, continuous, state, _previousState)
                    ? state!.Since(_previousState, this.Bounds)
                    : (double.NaN, double.NaN, double.NaN);
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

        if (!double.IsFinite(rate))
        {
            rate = double.NaN;
        }

        var baselineKnown = WindowKnown(first, continuous, state ?? _previousState, _previousState);
        _completed = _sample;
        var sample = new DashboardPoint(now.ToUnixTimeMilliseconds(), value, rate, p50, p95, p99);
        this.Latest = sample;
        this.Fold(sample, sumDelta, countDelta, baselineKnown);
        (_previousTotal, _previousSum, _previousCount, _previousState) = (_now.Total, _now.Sum, _now.Count, state);
    }

    /// <summary>
    /// The metric had no point in this sample (its meter went, or an observable callback reported nothing): a gap
    /// on screen and in the history, not its last value kept. When it comes back, its first sample is a baseline again.
    /// </summary>
    public void Miss(DateTimeOffset now)
    {
        if (_completed == NeverCompleted || double.IsNaN(this.Latest.Value) && double.IsNaN(this.Latest.Rate) && double.IsNaN(this.Latest.P95))
        {
            return;
        }

        var gap = new DashboardPoint(now.ToUnixTimeMilliseconds(), double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        this.Latest = gap;
        this.Fold(gap, 0, 0, baselineKnown: false, isGap: true);
    }

    // The percentiles of an interval need its start: the previous sample's state, or nothing at a metric's first
    // sample (everything since start). A sketch's state is its own, whatever the series did; buckets summed over a
    // series set that changed are not.
    private static bool WindowKnown(bool first, bool continuous, QuantileState? state, QuantileState? previous) =>
        state is not null && (first || (previous is not null && (continuous || previous.Source == PercentileSources.Sketch)));

    private void Fold(in DashboardPoint sample, double sumDelta, long countDelta, bool baselineKnown, bool isGap = false)
    {
        if (_levels.Length == 0)
        {
            return;
        }

        _levels[0].Ring.Add(sample);
        for (var i = 1; i < _levels.Length; i++)
        {
            // A sample at t covers the interval ending at t, so it belongs to the bucket holding t - 1 ms.
            _levels[i].Fold(sample, sumDelta, countDelta, this.Kind, _previousState, baselineKnown, this.Bounds, isGap);
        }
    }
}
