using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P1 and P2: <c>Counter.Add</c> and <c>Histogram.Record</c> with 0, 1 and 3 tags, through plain
/// OpenTelemetry (baseline: <c>AddMeter</c> and a periodic reader) and through <c>AddAccuScene()</c> with
/// the same reader plus everything AccuScene attaches by default: its views, the runtime meter, the
/// in-process reader the dashboard (and alert rules, when there are any) read, and the percentiles listener
/// that <c>AddAccuScene()</c> starts with the provider (histograms only; no second one is added here). Same
/// instrument names, one meter each.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class MetricRecordingBenchmarks
{
    private readonly Meter _plainMeter = new("Bench.Plain");
    private readonly Meter _accuSceneMeter = new("AccuScene.Bench");
    private MeterProvider _plain = null!;
    private MeterProvider _accuScene = null!;
    private Counter<long> _plainCounter = null!;
    private Counter<long> _accuSceneCounter = null!;
    private Histogram<double> _plainHistogram = null!;
    private Histogram<double> _accuSceneHistogram = null!;

    [Params(0, 1, 3)]
    public int Tags { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plain = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_plainMeter.Name)
            .AddReader(new PeriodicExportingMetricReader(new NoopMetricExporter(), 60_000))
            .Build()!;
        _accuScene = Sdk.CreateMeterProviderBuilder()
            .AddAccuScene()
            .AddReader(new PeriodicExportingMetricReader(new NoopMetricExporter(), 60_000))
            .Build()!;
        _plainCounter = _plainMeter.CreateCounter<long>("accuscene.bench.operations");
        _accuSceneCounter = _accuSceneMeter.CreateCounter<long>("accuscene.bench.operations");
        _plainHistogram = _plainMeter.CreateHistogram<double>("accuscene.bench.duration", "s");
        _accuSceneHistogram = _accuSceneMeter.CreateHistogram<double>("accuscene.bench.duration", "s");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _accuScene.Dispose();
        _plainMeter.Dispose();
        _accuSceneMeter.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("P1")]
    public void CounterAdd_Plain() => Add(_plainCounter, this.Tags);

    [Benchmark]
    [BenchmarkCategory("P1")]
    public void CounterAdd_AccuScene() => Add(_accuSceneCounter, this.Tags);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("P2")]
    public void HistogramRecord_Plain() => Record(_plainHistogram, this.Tags);

    [Benchmark]
    [BenchmarkCategory("P2")]
    public void HistogramRecord_AccuScene() => Record(_accuSceneHistogram, this.Tags);

    private static void Add(Counter<long> counter, int tags)
    {
        switch (tags)
        {
            case 0:
                counter.Add(1);
                break;
            case 1:
                counter.Add(1, new KeyValuePair<string, object?>("db.operation.name", "SELECT"));
                break;
            default:
                counter.Add(1, new("db.operation.name", "SELECT"), new("db.system.name", "sqlite"), new("accuscene.db.outcome", "success"));
                break;
        }
    }

    private static void Record(Histogram<double> histogram, int tags)
    {
        switch (tags)
        {
            case 0:
                histogram.Record(0.0042);
                break;
            case 1:
                histogram.Record(0.0042, new KeyValuePair<string, object?>("http.route", "/scenes/{id}"));
                break;
            default:
                histogram.Record(0.0042, new("http.route", "/scenes/{id}"), new("http.request.method", "GET"), new("http.response.status_code", "200"));
                break;
        }
    }

    private sealed class NoopMetricExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
