using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Tests.Logging;

/// <summary>What an exporter after AccuScene's processors receives of one log record.</summary>
internal sealed record ExportedLogRecord(string? Message, IReadOnlyList<KeyValuePair<string, object?>> Attributes)
{
    /// <summary>Logs through <c>services.AddAccuScene()</c> and returns the one record an exporter after it received.</summary>
    public static ExportedLogRecord One(Action<ILogger> log)
    {
        var exported = new List<ExportedLogRecord>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAccuScene();
        services.ConfigureOpenTelemetryLoggerProvider(p => p.AddProcessor(new SimpleLogRecordExportProcessor(new CapturingExporter(exported))));
        using (var provider = services.BuildServiceProvider())
        {
            log(provider.GetRequiredService<ILoggerFactory>().CreateLogger("C"));
        }

        return exported.Single();
    }

    /// <summary>An exporter that adds what it receives to <paramref name="exported"/>.</summary>
    public static BaseExporter<LogRecord> Capture(List<ExportedLogRecord> exported) => new CapturingExporter(exported);

    private sealed class CapturingExporter(List<ExportedLogRecord> exported) : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            foreach (var record in batch)
            {
                exported.Add(new(record.FormattedMessage, [.. record.Attributes ?? []]));
            }

            return ExportResult.Success;
        }
    }
}
