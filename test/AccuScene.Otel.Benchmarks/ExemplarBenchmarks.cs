using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// The cost of exemplars where they are made: one sampled span that records one latency measurement (3 tags), as a
/// request records <c>http.server.request.duration</c> inside its server span. Plain OpenTelemetry without
/// exemplars is the baseline; beside it plain OpenTelemetry with the trace-based filter, and <c>AddAccuScene()</c>
/// on both providers with its default (trace-based) and with exemplars off. Each with a batch span exporter and
/// a periodic metric reader.
/// </summary>
[MemoryDiagnoser]
public class ExemplarBenchmarks
{
    private readonly List<IDisposable> _owned = [];
    private (ActivitySource Source, Histogram<double> Latency) _plainOff;
    private (ActivitySource Source, Histogram<double> Latency) _plainTraceBased;
    private (ActivitySource Source, Histogram<double> Latency) _accuScene;
    private (ActivitySource Source, Histogram<double> Latency) _accuSceneOff;

    [GlobalSetup]
    public void Setup()
    {
        _plainOff = this.Plain("Bench.Exemplars.PlainOff", ExemplarFilterType.AlwaysOff);
        _plainTraceBased = this.Plain("Bench.Exemplars.PlainTraceBased", ExemplarFilterType.TraceBased);
        _accuScene = this.AccuScene("AccuScene.Bench.Exemplars.Default", null);
        _accuSceneOff = this.AccuScene("AccuScene.Bench.Exemplars.Off", ExemplarFilterType.AlwaysOff);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public void Plain_ExemplarsOff() => Run(_plainOff);

    [Benchmark]
    public void Plain_TraceBasedExemplars() => Run(_plainTraceBased);

    [Benchmark]
    public void AccuScene_Default() => Run(_accuScene);

    [Benchmark]
    public void AccuScene_ExemplarsOff() => Run(_accuSceneOff);

    private static void Run((ActivitySource Source, Histogram<double> Latency) pipeline)
    {
        using var request = pipeline.Source.StartActivity("GET /scenes/{id}", ActivityKind.Server);
        pipeline.Latency.Record(0.0042, new("http.route", "/scenes/{id}"), new("http.request.method", "GET"), new("http.response.status_code", "200"));
    }

    private (ActivitySource, Histogram<double>) Plain(string name, ExemplarFilterType filter)
    {
        var source = this.Own(new ActivitySource(name));
        var meter = this.Own(new Meter(name));
        this.Own(Sdk.CreateTracerProviderBuilder().AddSource(name).AddProcessor(new BatchActivityExportProcessor(new NoopExporter())).Build()!);
        this.Own(Sdk.CreateMeterProviderBuilder().AddMeter(name).SetExemplarFilter(filter)
            .AddReader(new PeriodicExportingMetricReader(new NoopMetricExporter(), 60_000)).Build()!);
        return (source, meter.CreateHistogram<double>("http.server.request.duration", "s"));
    }

    private (ActivitySource, Histogram<double>) AccuScene(string name, ExemplarFilterType? filter)
    {
        var source = this.Own(new ActivitySource(name));
        var meter = this.Own(new Meter(name));
        this.Own(Sdk.CreateTracerProviderBuilder().AddAccuScene(o => o.Tracing.CollectHttp = false).AddSource(name)
            .AddProcessor(new BatchActivityExportProcessor(new NoopExporter())).Build()!);
        this.Own(Sdk.CreateMeterProviderBuilder().AddAccuScene(o => o.Metrics.ExemplarFilter = filter).AddMeter(name)
            .AddReader(new PeriodicExportingMetricReader(new NoopMetricExporter(), 60_000)).Build()!);
        return (source, meter.CreateHistogram<double>("http.server.request.duration", "s"));
    }

    private T Own<T>(T owned)
        where T : IDisposable
    {
        _owned.Add(owned);
        return owned;
    }
}
