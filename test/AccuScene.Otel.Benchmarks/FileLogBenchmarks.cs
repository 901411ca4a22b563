using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Formatting.Compact;

namespace AccuScene.Otel.Benchmarks;

/// <summary>
/// P4: JSON file-log throughput. The same events, through the same <c>ILogger</c> front end, written as
/// JSON lines to a size-rolled file by AccuScene (<c>AddAccuScene</c> with the file output: OpenTelemetry log
/// records, default redaction, 64 KiB buffer flushed every second) and by Serilog.Sinks.File 7.0.0 with
/// Serilog.Formatting.Compact 3.0.0 (buffered, flushed to disk every second). Both roll at 10 MiB and keep 3 files.
/// One operation is one line; lines per second = 1e9 / Mean (ns).
/// </summary>
[MemoryDiagnoser]
public class FileLogBenchmarks
{
    private const int LinesPerInvoke = 1000;

    private static readonly Action<Microsoft.Extensions.Logging.ILogger, int, string, double, Exception?> StepLogged =
        LoggerMessage.Define<int, string, double>(LogLevel.Information, new EventId(7, "StepLogged"), "Step {Step} of scene {SceneId} took {Elapsed} ms");

    private string _directory = null!;
    private ILoggerFactory _accuSceneFactory = null!;
    private ILoggerFactory _serilogFactory = null!;
    private Microsoft.Extensions.Logging.ILogger _accuScene = null!;
    private Microsoft.Extensions.Logging.ILogger _serilog = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("accuscene-p4-").FullName;
        _accuSceneFactory = LoggerFactory.Create(b => b.AddAccuScene(o =>
        {
            o.Logging.File.Path = Path.Combine(_directory, "accuscene.log");
            o.Logging.File.MaxFileSizeBytes = 10 * 1024 * 1024;
            o.Logging.File.MaxFiles = 3;
            o.Logging.File.FlushInterval = TimeSpan.FromSeconds(1);
        }));
        var serilog = new LoggerConfiguration()
            .WriteTo.File(
                new CompactJsonFormatter(),
                Path.Combine(_directory, "serilog.log"),
                fileSizeLimitBytes: 10 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 3,
                buffered: true,
                flushToDiskInterval: TimeSpan.FromSeconds(1))
            .CreateLogger();
        _serilogFactory = LoggerFactory.Create(b => b.AddSerilog(serilog, dispose: true));
        _accuScene = _accuSceneFactory.CreateLogger("AccuScene.Bench.Simulation");
        _serilog = _serilogFactory.CreateLogger("AccuScene.Bench.Simulation");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _accuSceneFactory.Dispose();
        _serilogFactory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LinesPerInvoke)]
    public void SerilogCompactJsonFile() => Write(_serilog);

    [Benchmark(OperationsPerInvoke = LinesPerInvoke)]
    public void AccuSceneJsonFile() => Write(_accuScene);

    private static void Write(Microsoft.Extensions.Logging.ILogger logger)
    {
        for (var i = 0; i < LinesPerInvoke; i++)
        {
            StepLogged(logger, i, "scene-42", 4.25, null);
        }
    }
}
