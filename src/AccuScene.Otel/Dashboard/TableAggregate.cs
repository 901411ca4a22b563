using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Metrics.InProcess;
using AccuScene.Otel.Metrics.Percentiles;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>
/// A table widget's rows: one metric merged per value of a group-by tag, at most <c>maxRows</c> rows, each
/// labelled with at most <see cref="MaxLabelLength"/> characters.
/// Points of other values are counted as dropped. Rows are keyed by the tag's value object, so a lookup
/// allocates nothing; the label is formatted once, when the row is created.
/// </summary>
internal sealed class TableAggregate(string widget, string metric, string groupBy, int maxRows)
{
    /// <summary>The longest row label kept, in characters; a row's memory stays bounded whatever the tag value.</summary>
    public const int MaxLabelLength = 128;

    private static readonly object Missing = new();
    private readonly Dictionary<object, Row> _rows = [];

    public string Widget => widget;

    public string Metric => metric;

    public string GroupBy => groupBy;

    public IEnumerable<Row> Rows => _rows.Values;

    public void Begin()
    {
        foreach (var row in _rows.Values)
        {
            row.Begin();
        }
    }

    /// <returns><see langword="false"/> when the point's value has no row and the table is full.</returns>
    public bool Add(in MetricPoint point, MetricType type)
    {
        object key = Missing;
        foreach (var tag in point.Tags)
        {
            if (string.Equals(tag.Key, groupBy, StringComparison.Ordinal))
            {
                key = tag.Value ?? Missing;
                break;
            }
        }

        // A long text value is kept as its cut label, so a row costs the same whatever its tag value.
        if (key is string { Length: > MaxLabelLength } text)
        {
            key = TextLimits.Cut(text, MaxLabelLength);
        }

        if (!_rows.TryGetValue(key, out var row))
        {
            if (_rows.Count >= maxRows)
            {
                return false;
            }

            var label = ReferenceEquals(key, Missing) ? "(none)" : TextLimits.Cut(LabelOf(key), MaxLabelLength);
            _rows[key] = row = new Row(label);
        }

        row.Add(point, type);
        return true;
    }

    // A tag value is the app's object: a ToString that throws (a proxy whose context is gone) labels the row with its type.
    private static string LabelOf(object key)
    {
        try
        {
            return TagText.Of(key) ?? string.Empty;
        }
#pragma warning disable CA1031 // Application code must not stop the dashboard.
        catch (Exception)
#pragma warning restore CA1031
        {
            return key.GetType().Name;
        }
    }

    public void Complete(double seconds, DashboardMetricKind kind)
    {
        foreach (var row in _rows.Values)
        {
            row.Complete(seconds, kind);
        }
    }

    /// <summary>Drops the rows missing from the last <paramref name="samples"/> samples, so live values get their place.</summary>
    public void Forget(long samples)
    {
        foreach (var (key, row) in _rows)
        {
            if (row.Missed >= samples)
            {
                _rows.Remove(key);
            }
        }
    }

    internal sealed class Row(string label)
    {
        private PointTotals _now;
        private double _previousTotal;
        private double _previousSum;
        private long _previousCount;
        private bool _hasPrevious;
        private SeriesContinuity _series;

        public string Label => label;

        public double Value { get; private set; } = double.NaN;

        public double Rate { get; private set; } = double.NaN;

        public long? Count { get; private set; }

        /// <summary>Gets the samples in a row this row had no point in.</summary>
        public long Missed { get; private set; }

        public void Begin() => _now = default;

        public void Add(in MetricPoint point, MetricType type) => _now.Add(point, type);

        public void Complete(double seconds, DashboardMetricKind kind)
        {
            (this.Value, this.Rate) = (double.NaN, double.NaN);
            if (_now.Series == 0 && _now.NonFinite == 0)
            {
                // Missing (see MetricAggregate.Miss): shown as "–", and a baseline again when it comes back.
                this.Missed++;
                (_hasPrevious, _previousTotal, _previousSum, _previousCount) = (false, 0, 0, 0);
                return;
            }

            this.Missed = 0;
            switch (_now.Series == 0 ? (DashboardMetricKind)(-1) : kind) // every series NaN: a gap (see MetricAggregate)
            {
                case DashboardMetricKind.Counter or DashboardMetricKind.UpDownCounter:
                    this.Value = _now.Total;
                    // A counter row's total that drops had a series restart: no rate, rather than a spike (see MetricAggregate).
                    this.Rate = kind == DashboardMetricKind.Counter && _now.Total < _previousTotal ? double.NaN : (_now.Total - _previousTotal) / seconds;
                    break;
                case DashboardMetricKind.Gauge:
                    this.Value = _now.Total / _now.Series;
                    break;
                case DashboardMetricKind.Histogram:
                    var delta = _now.Count - _previousCount;
                    this.Value = delta > 0 ? (_now.Sum - _previousSum) / delta : double.NaN;
                    this.Rate = delta >= 0 ? delta / seconds : double.NaN;
                    this.Count = _now.Count;
                    break;
            }

            // A row's first sample is its baseline; a series that went, came back or turned NaN changes the sums
            // (SeriesContinuity).
            var sameSeries = _series.Follow(_now);
            if (!_hasPrevious || !sameSeries)
            {
                this.Rate = double.NaN;
                this.Value = kind == DashboardMetricKind.Histogram && _hasPrevious ? double.NaN : this.Value;
            }

            this.Rate = double.IsFinite(this.Rate) ? this.Rate : double.NaN;
            _hasPrevious = true;
            (_previousTotal, _previousSum, _previousCount) = (_now.Total, _now.Sum, _now.Count);
        }
    }
}
