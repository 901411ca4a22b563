using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Processing;
using AccuScene.Otel.Redaction;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Writes every log record as one line to standard output, in <c>text</c> (ANSI colours by level when
/// standard output is a terminal and <c>NO_COLOR</c> is unset) or <c>json</c>. Lines are written whole,
/// under a lock, so lines from different threads never interleave.
/// </summary>
internal sealed class ConsoleLogRecordProcessor : AccuSceneProcessor<LogRecord>
{
    public const string OutputName = "console";

    private readonly Lock _gate = new();
    private readonly LogLineFormatter _formatter;
    private readonly Stream _output;
    private readonly Microsoft.Extensions.Logging.LogLevel _minimumLevel;

    public ConsoleLogRecordProcessor(AccuSceneConsoleLogOptions options, Redactor redactor, Stream? output = null, bool? colors = null)
        : base("console-log")
    {
        _output = output ?? Console.OpenStandardOutput();
        _minimumLevel = options.MinimumLevel;
        var format = LogLineFormats.Parse(options.Format);
        _formatter = new LogLineFormatter(format, redactor, format == LogLineFormat.Text && (colors ?? UseColors()));
    }

    /// <summary>Colours only for a terminal: not when output is redirected, <c>NO_COLOR</c> is set or <c>TERM=dumb</c>.</summary>
    public static bool UseColors() =>
        !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    protected override void OnEndCore(LogRecord data)
    {
        if (data.LogLevel < _minimumLevel)
        {
            return;
        }

        var buffer = LineBuffer.Rent();
        try
        {
            _formatter.Write(data, buffer);
            lock (_gate)
            {
                _output.Write(buffer.Written);
                _output.Flush();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            AccuSceneSelfDiagnostics.LogsLost(OutputName, "write_failed", 1, ex);
        }
        finally
        {
            LineBuffer.Return(buffer);
        }
    }
}
