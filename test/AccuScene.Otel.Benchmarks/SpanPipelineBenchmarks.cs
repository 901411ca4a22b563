using System.Diagnostics;
using AccuScene.Otel.Instrumentation;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// Span start and stop, nested one level, through plain OpenTelemetry (baseline) and through
/// <c>AddAccuScene()</c> with its processors, each with the same batch exporter.
/// </summary>
[MemoryDiagnoser]
public class SpanPipelineBenchmarks
{
    private readonly ActivitySource _plainSource = new("Bench.Plain");
    private readonly ActivitySource _accuSceneSource = new("AccuScene.Bench");
    private TracerProvider _plain = null!;
    private TracerProvider _accuScene = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = Sdk.CreateTracerProviderBuilder()
            .AddSource(_plainSource.Name)
            .AddProcessor(new BatchActivityExportProcessor(new NoopExporter()))
            .Build()!;
        _accuScene = Sdk.CreateTracerProviderBuilder()
            .AddAccuScene(o => o.Tracing.CollectHttp = false)
            .AddProcessor(new BatchActivityExportProcessor(new NoopExporter()))
            .Build()!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _accuScene.Dispose();
        _plainSource.Dispose();
        _accuSceneSource.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void PlainOpenTelemetry() => Run(_plainSource);

    [Benchmark]
    public void AccuScenePipeline() => Run(_accuSceneSource);

    private static void Run(ActivitySource source)
    {
        using var parent = source.StartActivity("simulation.run");
        parent?.SetTag(AccuSceneAttributes.SceneId, "scene-1");
        using var child = source.StartActivity("simulation.step");
        child?.SetTag(AccuSceneAttributes.SimulationStep, 1);
    }
}
