using AccuScene.Otel.Alerts;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Events;
using AccuScene.Otel.Health;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Metrics.Percentiles;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Dashboard;

/// <summary>
/// The live dashboard's model. A metric exporter on the in-process reader of the OpenTelemetry metric pipeline
/// (added by <c>AddAccuScene()</c>, shared with the alert rules) feeds it once per sample interval, so it reads the
/// same points every other exporter sees and keeps no second registry. Per metric it holds the latest value, rate
/// and p50/p95/p99 (from the in-process sketch when it covers the histogram, from the buckets otherwise) and a bounded,
/// downsampled history: one point per sample over 5 minutes, per 10 s over 1 hour and per minute over 24 hours.
/// Health, alerts and events are read when the model is built, through the adapters in Sources/ over those features.
/// </summary>
internal sealed partial class AccuSceneDashboard
{
    private static readonly KeyValuePair<string, string?>[] NoTags = [];
    private readonly Lock _gate = new();
    private readonly AccuSceneDashboardOptions _options;
    private readonly string? _prefix;
    private readonly Func<AccuScenePercentiles?> _percentiles;
    private readonly IServiceProvider? _services;
    private readonly (TimeSpan Step, int Capacity)[] _levels;
    private readonly TimeSpan _shortestSample;
    private readonly Dictionary<string, MetricAggregate> _metrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TableAggregate[]> _tables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _widgetMetrics = new(StringComparer.Ordinal);
    private readonly HashSet<string> _chartedMetrics = new(StringComparer.Ordinal);
    private readonly List<MetricAggregate> _touched = [];
    private long? _previousTimestamp;
    private long _samples;
    private readonly Tuple<long, long, byte[]>?[] _updates = new Tuple<long, long, byte[]>?[2];

    /// <summary>Creates a dashboard model fed by <see cref="CreateExporter"/>.</summary>
    /// <param name="options">The dashboard options, already validated.</param>
    /// <param name="service">The service name shown on the page.</param>
    /// <param name="time">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="services">
    /// The services of <c>AddAccuScene()</c>, where the percentiles are found and where the adapters read the health,
    /// alerts and events sections; or <see langword="null"/>.
    /// </param>
    /// <param name="namePrefix">The metrics' configured name prefix, for the section mapping.</param>
    public AccuSceneDashboard(AccuSceneDashboardOptions options, string service, TimeProvider? time = null, IServiceProvider? services = null, string? namePrefix = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(service);
        _options = options;
        this.Service = service;
        this.Time = time ?? TimeProvider.System;
        _services = services;
        _prefix = namePrefix;
        var percentiles = new Lazy<AccuScenePercentiles?>(() => services?.GetService<AccuScenePercentiles>());
        _percentiles = () =>
        {
            try
            {
                return percentiles.Value;
            }
            catch (ObjectDisposedException)
            {
                return null; // the container is being disposed: the last export reads the buckets
            }
        };
        var sample = TimeSpan.FromMilliseconds(options.SampleIntervalMilliseconds);
        _shortestSample = sample / 2;
        _levels =
        [
            (sample, (int)Math.Ceiling(TimeSpan.FromMinutes(5) / sample)),
            (TimeSpan.FromSeconds(10), 360),
            (TimeSpan.FromMinutes(1), 1440),
        ];
        this.Widgets = options.Widgets.Count > 0 ? [.. options.Widgets] : DashboardLayout.Create(namePrefix);
        for (var i = 0; i < this.Widgets.Count; i++)
        {
            var widget = this.Widgets[i];
            foreach (var series in widget.Series)
            {
                _widgetMetrics.Add(series.Metric);
                if (widget.Type == DashboardWidgetType.Line || series.Per.Count > 0)
                {
                    // A ratio over the last minute is computed by the page from the history of every metric in it.
                    _chartedMetrics.Add(series.Metric);
                    foreach (var per in series.Per)
                    {
                        _widgetMetrics.Add(per);
                        _chartedMetrics.Add(per);
                    }
                }
            }

            if (widget is { Type: DashboardWidgetType.Table, GroupBy: { } groupBy })
            {
                var metric = widget.Series[0].Metric;
                var table = new TableAggregate(WidgetId(i), metric, groupBy, options.MaxTableRows);
                _tables[metric] = _tables.TryGetValue(metric, out var others) ? [.. others, table] : [table];
            }
        }
    }

    /// <summary>Gets the widgets in page order.</summary>
    public IReadOnlyList<DashboardWidget> Widgets { get; }

    /// <summary>Gets or sets the service name shown on the page: the options' at the start, the meter provider's resource's once it collected.</summary>
    public string Service { get; set; }

    /// <summary>Gets the options.</summary>
    public AccuSceneDashboardOptions Options => _options;

    /// <summary>Gets how many samples have been taken.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Gets the bytes the history rings hold now (they grow up to their capacities, then stay).</summary>
    public long HistoryBytes
    {
        get
        {
            lock (_gate)
            {
                return _metrics.Values.Sum(m => m.AllocatedBytes);
            }
        }
    }

    internal TimeProvider Time { get; }

    /// <summary>Creates the metric exporter that feeds this dashboard; put it on a reader with cumulative temporality.</summary>
    /// <returns>The exporter. It never throws into the pipeline; failures are counted on <c>accuscene.otel.processor.errors</c>.</returns>
    public BaseExporter<Metric> CreateExporter() => new DashboardMetricExporter(this);

    /// <summary>Builds the model with the history of every charted metric over <paramref name="range"/>.</summary>
    /// <param name="range">The history's range and resolution.</param>
    /// <param name="withholdEvents">Leave the events out (the request may not read them).</param>
    /// <returns>The model.</returns>
    internal DashboardModel GetModel(DashboardRange range = DashboardRange.FiveMinutes, bool withholdEvents = false) => this.Build(range, latestOnly: false, withholdEvents);

    /// <summary>Builds a stream update: the model with the newest points of each charted metric's history (the samples of one stream interval, and one more).</summary>
    /// <param name="withholdEvents">Leave the events out (the request may not read them).</param>
    /// <returns>The model.</returns>
    internal DashboardModel GetUpdate(bool withholdEvents = false) => this.Build(DashboardRange.FiveMinutes, latestOnly: true, withholdEvents);

    /// <summary>
    /// The compact JSON of <see cref="GetUpdate"/>, built once per sample and shared by every stream (rebuilt
    /// at most every 250 ms between samples, so health, alerts and events stay current). Streams that may not
    /// read the events share a second copy without them.
    /// </summary>
    /// <param name="withholdEvents">Leave the events out (the stream may not read them).</param>
    /// <returns>The JSON and the number of the sample it holds, the stream event's id.</returns>
    internal (long Sample, byte[] Json) UpdateJson(bool withholdEvents = false)
    {
        var slot = withholdEvents ? 1 : 0;
        var now = this.Time.GetTimestamp();
        if (Volatile.Read(ref _updates[slot]) is { } cached && cached.Item1 == this.Samples && this.Time.GetElapsedTime(cached.Item2, now) < TimeSpan.FromMilliseconds(250))
        {
            return (cached.Item1, cached.Item3);
        }

        var model = this.GetUpdate(withholdEvents);
        var json = DashboardJson.SerializeToUtf8Bytes(model);
        Volatile.Write(ref _updates[slot], Tuple.Create(model.Sample, now, json));
        return (model.Sample, json);
    }

    internal static string WidgetId(int index) => "w" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal void Aggregate(in Batch<Metric> batch)
    {
        lock (_gate)
        {
            // Wall time stamps the points; the monotonic clock measures the interval the rates divide by.
            var now = this.Time.GetUtcNow();
            var timestamp = this.Time.GetTimestamp();
            var seconds = _previousTimestamp is { } previous ? this.Time.GetElapsedTime(previous, timestamp).TotalSeconds : double.NaN;
            if (seconds > 0 && seconds < _shortestSample.TotalSeconds)
            {
                // Within half a sample of the last (the periodic reader catching up after a late collection, a flush):
                // a rate over a few milliseconds of a burst would read as millions per second and rescale the chart.
                // The totals are cumulative, so the next sample takes this increase over the whole interval. A clock
                // that did not move at all (an app's fake TimeProvider) still makes samples, without rates.
                return;
            }

            _previousTimestamp = timestamp;
            long droppedMetrics = 0, droppedRows = 0, droppedValues = 0;
            var sample = _samples + 1;
            _touched.Clear();
            try
            {
                // Metrics of the same name from several meters (ASP.NET Core's and AccuScene's
                // http.server.request.duration, say) are one metric here: begun once, completed once.
                foreach (var metric in batch)
                {
                    if (!this.TryGet(metric, out var aggregate))
                    {
                        droppedMetrics++;
                        continue;
                    }

                    var type = metric.MetricType;
                    var tables = _tables.GetValueOrDefault(metric.Name);
                    if (aggregate.Begin(sample))
                    {
                        _touched.Add(aggregate);
                        foreach (var table in tables ?? [])
                        {
                            table.Begin();
                        }
                    }

                    aggregate.AddMeter(metric.MeterName);
                    foreach (ref readonly var point in metric.GetMetricPoints())
                    {
                        aggregate.Add(point, type);
                        foreach (var table in tables ?? [])
                        {
                            droppedRows += table.Add(point, type) ? 0 : 1;
                        }
                    }
                }

                foreach (var aggregate in _touched)
                {
                    droppedValues += aggregate.NonFinite;
                    aggregate.Complete(now, seconds, aggregate.Kind == DashboardMetricKind.Histogram ? this.QuantileStateOf(aggregate) : null);
                    foreach (var table in _tables.GetValueOrDefault(aggregate.Name) ?? [])
                    {
                        table.Complete(seconds, aggregate.Kind);
                    }
                }

                this.CompleteMissing(now, seconds, sample);
            }
            catch
            {
                // The exporter counts the failure. The next sample must not add to this one's half-summed totals, nor
                // divide two intervals' increase by one: it starts afresh (every aggregate begins again, as its
                // number is new) and shows no rate, since no interval is known.
                _previousTimestamp = null;
                throw;
            }
            finally
            {
                // Also when the sample failed part-way: what it dropped so far is counted.
                this.CountDrops(droppedMetrics, droppedRows, droppedValues);
                Interlocked.Increment(ref _samples);
            }
        }
    }

    private bool TryGet(Metric metric, out MetricAggregate aggregate)
    {
        if (_metrics.TryGetValue(metric.Name, out aggregate!))
        {
            return true;
        }

        // The widgets' metrics always have a place; the rest share MaxMetrics.
        if (_metrics.Count >= _options.MaxMetrics && !_widgetMetrics.Contains(metric.Name))
        {
            return false;
        }

        var kind = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => DashboardMetricKind.Counter,
            MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => DashboardMetricKind.UpDownCounter,
            MetricType.Histogram or MetricType.ExponentialHistogram => DashboardMetricKind.Histogram,
            _ => DashboardMetricKind.Gauge,
        };
        // Only charted metrics keep history: nothing else ever reads it.
        var levels = _chartedMetrics.Contains(metric.Name) ? _levels : [];
        aggregate = new MetricAggregate(metric.Name, metric.Unit, kind, DashboardLayout.SectionOf(metric.Name, _prefix), levels);
        _metrics[metric.Name] = aggregate;
        return true;
    }

    private QuantileState? QuantileStateOf(MetricAggregate aggregate)
    {
        // The sketch stands for the metric only when it has every meter that exported that name, and only those.
        if (_percentiles()?.Capture(aggregate.Name, NoTags, aggregate.Meters) is { } snapshot)
        {
            return QuantileState.FromSketch(snapshot);
        }

        return aggregate.Buckets is { Length: > 0 } buckets && aggregate.BucketsAgree ? QuantileState.FromBuckets(buckets) : null;
    }

    private static double? N(double value) => double.IsFinite(value) ? value : null;

    private static string Lower(string value) => value.ToLowerInvariant();
}
