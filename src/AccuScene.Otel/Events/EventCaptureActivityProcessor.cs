using System.Diagnostics;
using AccuScene.Otel.Instrumentation.Events;
using AccuScene.Otel.Logging;
using AccuScene.Otel.Processing;
using AccuScene.Otel.Redaction;

namespace AccuScene.Otel.Events;

/// <summary>
/// Captures span events when a span ends: events added with a category (<c>AddEvent(category, …)</c>) at
/// Info, exceptions at Error, and other span events at Debug. An untagged event takes its category from
/// the span: <c>database</c> for a span with <c>db.system.name</c>, <c>api</c> for HTTP spans,
/// <c>cache</c>, <c>simulation</c>, else <c>application</c>.
/// The span is exported unchanged, so each event leaves the process once, inside its span.
/// </summary>
internal sealed class EventCaptureActivityProcessor : AccuSceneProcessor<Activity>
{
    private readonly AccuSceneEventStore _store;
    private readonly Redactor _redactor;

    public EventCaptureActivityProcessor(AccuSceneEventStore store, Redactor redactor)
        : base("event-capture-spans")
    {
        _store = store;
        _redactor = redactor;
    }

    protected override void OnEndCore(Activity data)
    {
        foreach (ref readonly var activityEvent in data.EnumerateEvents())
        {
            string? category = null;
            string? message = null;
            var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in activityEvent.Tags)
            {
                switch (key)
                {
                    case AccuSceneEvents.CategoryAttribute:
                        category = EventCategoryTag.Read(value, out var given);
                        if (given is not null)
                        {
                            attributes[key] = given;
                        }

                        break;
                    case "exception.message":
                        // Text whatever it was given as: a message set as a number or an object is still the message.
                        message = value is null ? null : LogRecordText.ToInvariantString(value);
                        attributes[key] = message;
                        break;
                    default:
                        // Span-event tags cannot be masked on the span itself, so they are masked here.
                        attributes[key] = _redactor.IsSensitive(key) ? Redactor.Mask : EventAttributeValue.Normalize(value);
                        break;
                }
            }

            var isException = activityEvent.Name == "exception";
            var severity = isException ? AccuSceneEventSeverity.Error : category is null ? AccuSceneEventSeverity.Debug : AccuSceneEventSeverity.Info;
            // The span's name, unless the event names a span.name of its own.
            attributes.TryAdd("span.name", data.DisplayName);
            _store.AddCaptured(new AccuSceneEvent(
                0,
                activityEvent.Timestamp,
                severity,
                category ?? InferCategory(data),
                activityEvent.Name,
                message ?? activityEvent.Name,
                attributes,
                data.TraceId.ToHexString(),
                data.SpanId.ToHexString()));
        }
    }

    private static string InferCategory(Activity span)
    {
        var category = AccuSceneEventCategory.Application;
        if (span.GetTagItem("db.system.name") is not null || span.GetTagItem("db.system") is not null)
        {
            category = AccuSceneEventCategory.Database;
        }
        else if (span.GetTagItem("http.request.method") is not null)
        {
            category = AccuSceneEventCategory.Api;
        }
        else if (span.OperationName.StartsWith("cache.", StringComparison.Ordinal))
        {
            category = AccuSceneEventCategory.Cache;
        }
        else if (span.OperationName.StartsWith("simulation.", StringComparison.Ordinal))
        {
            category = AccuSceneEventCategory.Simulation;
        }

        return AccuSceneEvents.Name(category);
    }
}
