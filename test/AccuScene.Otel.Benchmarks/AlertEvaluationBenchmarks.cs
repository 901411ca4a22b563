using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using AccuScene.Otel.Alerts;
using AccuScene.Otel.Dashboard;
using AccuScene.Otel.Metrics.InProcess;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P6: over 10,000 series (5,000 counter and 5,000 histogram series), one cycle of the alert rules (the demo's
/// five kinds), one cycle of the dashboard's aggregation, and both (one in-process reader whose exporter hands each
/// collection to both, as <c>AddAccuScene()</c> wires them) — each OpenTelemetry's collect plus the exporters — against a Prometheus scrape
/// of the same series through OpenTelemetry's Prometheus exporter (collect plus serialisation, over loopback
/// HTTP, with its response cache off). The dashboard runs on a fake clock moved one sample interval per cycle, as
/// the periodic reader collects it: on the real clock, cycles a few milliseconds apart would not be samples.
/// </summary>
[MemoryDiagnoser]
public class AlertEvaluationBenchmarks
{
    private const int SeriesPerInstrument = 5_000;
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(new AccuSceneOptions().Dashboard.SampleIntervalMilliseconds);
    private Meter _meter = null!;
    private MeterProvider _prometheus = null!;
    private MeterProvider _alerts = null!;
    private MeterProvider _dashboard = null!;
    private MeterProvider _both = null!;
    private HttpClient _http = null!;
    private Uri _scrape = null!;
    private FakeTimeProvider _dashboardTime = null!;
    private FakeTimeProvider _bothTime = null!;

    [GlobalSetup]
    public void Setup()
    {
        _meter = new Meter("Bench.Alerts");
        var port = FreePort();
        _scrape = new Uri($"http://127.0.0.1:{port}/metrics");
        _prometheus = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddView("bench.*", new MetricStreamConfiguration { CardinalityLimit = 2 * SeriesPerInstrument })
            .AddPrometheusHttpListener(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = port;
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            })
            .Build()!;

        var requests = new AlertRule { Name = "RequestRate", Metric = "bench.requests", Aggregation = AlertAggregation.Rate, Threshold = 1e9 };
        var burst = new AlertRule { Name = "Burst", Metric = "bench.requests", Kind = AlertThresholdKind.RateLimit, Threshold = 1000 };
        burst.Tags["shard"] = "7";
        var p95 = new AlertRule { Name = "LatencyP95", Metric = "bench.latency", Aggregation = AlertAggregation.Percentile, Quantile = 0.95, Threshold = 1e9 };
        var mean = new AlertRule { Name = "LatencyMean", Metric = "bench.latency", Aggregation = AlertAggregation.Average, Threshold = 1e9 };
        var total = new AlertRule { Name = "Total", Metric = "bench.requests", Threshold = 1e12 };
        AlertRule[] rules = [requests, burst, p95, mean, total];
        _alerts = Provider(Alerts(rules));
        _dashboardTime = new FakeTimeProvider();
        _bothTime = new FakeTimeProvider();
        _dashboard = Provider(Dashboard(new AccuSceneDashboard(new AccuSceneOptions().Dashboard, "bench", _dashboardTime)));
        _both = Provider(new BaseExportingMetricReader(new InProcessMetricExporter([AlertExporter(rules), DashboardExporter(new AccuSceneDashboard(new AccuSceneOptions().Dashboard, "bench", _bothTime))]))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        });

        var counter = _meter.CreateCounter<long>("bench.requests", "{request}");
        var histogram = _meter.CreateHistogram<double>("bench.latency", "s");
        for (var i = 0; i < SeriesPerInstrument; i++)
        {
            var tags = new TagList { { "series", i }, { "shard", (i % 16).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            counter.Add(1 + i, tags);
            histogram.Record(i * 1e-4, tags);
        }

        _http = new HttpClient();
        var text = _http.GetStringAsync(_scrape).GetAwaiter().GetResult();
        var series = text.Split('\n').Count(l => l.StartsWith("bench_requests_total{", StringComparison.Ordinal) || l.StartsWith("bench_latency_seconds_count{", StringComparison.Ordinal));
        if (series != 2 * SeriesPerInstrument)
        {
            throw new InvalidOperationException($"The scrape holds {series} series, not {2 * SeriesPerInstrument}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _prometheus.Dispose();
        _alerts.Dispose();
        _dashboard.Dispose();
        _both.Dispose();
        _meter.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int PrometheusScrape() => _http.GetByteArrayAsync(_scrape).GetAwaiter().GetResult().Length;

    [Benchmark]
    public bool AlertEvaluationCycle() => _alerts.ForceFlush();

    [Benchmark]
    public bool DashboardAggregationCycle()
    {
        _dashboardTime.Advance(SampleInterval);
        return _dashboard.ForceFlush();
    }

    [Benchmark]
    public bool DashboardPlusAlertsCycle()
    {
        _bothTime.Advance(SampleInterval);
        return _both.ForceFlush();
    }

    /// <summary>The dashboard as the demo has it: the default layout (a grouped table on a metric not present here).</summary>
    internal static MetricReader Dashboard(AccuSceneDashboard? dashboard = null) =>
        new BaseExportingMetricReader(DashboardExporter(dashboard))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };

    private static BaseExporter<Metric> DashboardExporter(AccuSceneDashboard? dashboard = null) =>
        (dashboard ?? new AccuSceneDashboard(new AccuSceneOptions().Dashboard, "bench")).CreateExporter();

    private static BaseExporter<Metric> AlertExporter(AlertRule[] rules) =>
        new AlertMetricExporter(new AccuSceneAlertEngine(rules), () => null);

    private static MetricReader Alerts(AlertRule[] rules) =>
        new BaseExportingMetricReader(AlertExporter(rules))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };

    private MeterProvider Provider(params MetricReader[] readers)
    {
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddView("bench.*", new MetricStreamConfiguration { CardinalityLimit = 2 * SeriesPerInstrument });
        foreach (var reader in readers)
        {
            builder.AddReader(reader);
        }

        return builder.Build()!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
