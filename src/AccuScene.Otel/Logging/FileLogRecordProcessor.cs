using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Processing;
using AccuScene.Otel.Redaction;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Writes every log record as one line to a <see cref="RollingFileSink"/>. It runs on the logging thread,
/// not behind a bounded queue, so no line is dropped for lack of room: each thread formats into its own
/// buffer and only the copy into the file buffer is serialised.
/// </summary>
internal sealed class FileLogRecordProcessor : AccuSceneProcessor<LogRecord>
{
    private readonly LogLineFormatter _formatter;
    private readonly RollingFileSink _sink;

    public FileLogRecordProcessor(AccuSceneFileLogOptions options, Redactor redactor, TimeProvider time, Func<string, Stream>? open = null)
        : base("file-log")
    {
        _formatter = new LogLineFormatter(LogLineFormats.Parse(options.Format), redactor, colors: false);
        _sink = new RollingFileSink(options, time, open);
    }

    public RollingFileSink Sink => _sink;

    protected override void OnEndCore(LogRecord data)
    {
        var buffer = LineBuffer.Rent();
        try
        {
            _formatter.Write(data, buffer);
            _sink.Append(buffer.Written);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.LogsLost(RollingFileSink.OutputName, "format_failed", 1, ex);
        }
        finally
        {
            LineBuffer.Return(buffer);
        }
    }

    // False when buffered lines could not be written (they are counted as dropped), so a failed final flush is
    // counted and reported as one.
    protected override bool OnForceFlushCore(int timeoutMilliseconds) => _sink.Flush();

    protected override bool OnShutdownCore(int timeoutMilliseconds)
    {
        var flushed = _sink.Flush();
        _sink.Dispose();
        return flushed;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sink.Dispose();
        }

        base.Dispose(disposing);
    }
}
