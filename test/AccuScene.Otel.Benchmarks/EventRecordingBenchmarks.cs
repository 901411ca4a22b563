using AccuScene.Otel.Instrumentation.Events;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// The cost of recording one event: <c>RecordEvent</c> through <c>AddAccuScene()</c> (scopes and redaction,
/// event capture into the store, then the same no-op export processor), against a plain OpenTelemetry
/// logger writing a warning with the same attributes through <c>LoggerMessage.Define</c>.
/// </summary>
[MemoryDiagnoser]
public class EventRecordingBenchmarks
{
    private static readonly Action<ILogger, string, string, Exception?> PlainWarning =
        LoggerMessage.Define<string, string>(LogLevel.Warning, new EventId(1, "collision.detected"), "Collision in {SceneId} ({Severity})");

    private ILoggerFactory _plain = null!;
    private ILoggerFactory _accuScene = null!;
    private ILogger _plainLogger = null!;
    private ILogger _accuSceneLogger = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = LoggerFactory.Create(b => b.AddOpenTelemetry(o => o.AddProcessor(new SimpleLogRecordExportProcessor(new NoopLogExporter()))));
        _accuScene = LoggerFactory.Create(b => b
            .AddAccuScene(o => o.Events.MaxEvents = 10_000)
            .AddOpenTelemetry(o => o.AddProcessor(new SimpleLogRecordExportProcessor(new NoopLogExporter()))));
        _plainLogger = _plain.CreateLogger("AccuScene.Bench.Events");
        _accuSceneLogger = _accuScene.CreateLogger("AccuScene.Bench.Events");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _accuScene.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void PlainWarningLog() => PlainWarning(_plainLogger, "scene-42", "major", null);

    [Benchmark]
    public void AccuSceneRecordEvent() => _accuSceneLogger.RecordEvent(
        AccuSceneEventCategory.Simulation,
        AccuSceneEventSeverity.Warning,
        "collision.detected",
        "Collision in scene-42 (major)",
        new KeyValuePair<string, object?>("SceneId", "scene-42"),
        new KeyValuePair<string, object?>("Severity", "major"));

    private sealed class NoopLogExporter : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch) => ExportResult.Success;
    }
}
