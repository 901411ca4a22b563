using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Processing;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace AccuScene.Otel.Events;

/// <summary>
/// Captures log records as events: every record written with <c>RecordEvent</c> (it carries
/// <c>accuscene.event.category</c>), and any other record at or above the configured level (category
/// <c>system</c> for framework and AccuScene health loggers, <c>application</c> otherwise). It only copies: the
/// record goes on to the exporters unchanged, so it is exported once. Runs after redaction, so masked values
/// stay masked.
/// </summary>
internal sealed class EventCaptureLogProcessor : AccuSceneProcessor<LogRecord>
{
    private readonly AccuSceneEventStore _store;
    private readonly LogLevel _minimumLevel;

    public EventCaptureLogProcessor(AccuSceneEventStore store, LogLevel minimumLevel)
        : base("event-capture-logs")
    {
        _store = store;
        _minimumLevel = minimumLevel;
    }

    protected override void OnEndCore(LogRecord data)
    {
        string? category = null;
        string? givenCategory = null;
        string? name = null;
        var attributes = data.Attributes;
        if (attributes is not null)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                switch (attributes[i].Key)
                {
                    case AccuSceneEvents.CategoryAttribute:
                        category = EventCategoryTag.Read(attributes[i].Value, out givenCategory);
                        break;
                    case AccuSceneEvents.NameAttribute:
                        name = attributes[i].Value as string;
                        break;
                }
            }
        }

        if (category is null && data.LogLevel < _minimumLevel)
        {
            return;
        }

        // The SDK's own attributes first: an event keeps its first MaxAttributes, so a record with many scope values
        // loses those past the limit, not its exception. Then the record's own attributes and its scopes' values (the
        // scopes-and-redaction processor already left out a scope key the record has); the first of a key wins.
        var copied = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (data.Exception is { } exception)
        {
            copied["exception.type"] = exception.GetType().FullName;
            copied["exception.message"] = LogRecordText.ExceptionMessage(exception);
        }

        copied["logger"] = data.CategoryName;
        if (givenCategory is not null)
        {
            copied[AccuSceneEvents.CategoryAttribute] = givenCategory;
        }

        if (attributes is not null)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                var (key, value) = attributes[i];
                if (key is not (LogRecordText.OriginalFormat or AccuSceneEvents.CategoryAttribute or AccuSceneEvents.NameAttribute))
                {
                    copied.TryAdd(key, EventAttributeValue.Normalize(value));
                }
            }
        }

        _store.AddCaptured(new AccuSceneEvent(
            0,
            new DateTimeOffset(DateTime.SpecifyKind(data.Timestamp, DateTimeKind.Utc)),
            AccuSceneEvents.FromLogLevel(data.LogLevel),
            category ?? DefaultCategory(data.CategoryName),
            name ?? data.EventId.Name ?? data.CategoryName ?? "log",
            data.FormattedMessage ?? data.Body ?? string.Empty,
            copied,
            data.TraceId == default ? null : data.TraceId.ToHexString(),
            data.SpanId == default ? null : data.SpanId.ToHexString()));
    }

    private static string DefaultCategory(string? logger) =>
        logger is not null && (logger.StartsWith("Microsoft.", StringComparison.Ordinal) || logger.StartsWith("System.", StringComparison.Ordinal) || logger.StartsWith("AccuScene.Otel.Health", StringComparison.Ordinal))
            ? AccuSceneEvents.Name(AccuSceneEventCategory.System)
            : AccuSceneEvents.Name(AccuSceneEventCategory.Application);
}
