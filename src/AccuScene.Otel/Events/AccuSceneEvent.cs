using AccuScene.Otel.Instrumentation.Events;

namespace AccuScene.Otel.Events;

/// <summary>One captured event.</summary>
/// <param name="Id">A sequence number, unique in the process, increasing in capture order.</param>
/// <param name="Timestamp">When it happened (the log record's or span event's timestamp).</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Category">What it is about: <c>system</c>, <c>application</c>, <c>user_action</c>, <c>simulation</c>, <c>database</c>, <c>cache</c>, <c>api</c>, <c>security</c> or <c>custom</c>.</param>
/// <param name="Name">Its name (<c>event.name</c>, the log's event name, or the span event's name).</param>
/// <param name="Message">Its message.</param>
/// <param name="Attributes">Its attributes: numbers as <see cref="long"/> or <see cref="double"/>, booleans as <see cref="bool"/>, anything else as invariant text.</param>
/// <param name="TraceId">The trace it happened in, if any.</param>
/// <param name="SpanId">The span it happened in, if any.</param>
internal sealed record AccuSceneEvent(
    long Id,
    DateTimeOffset Timestamp,
    AccuSceneEventSeverity Severity,
    string Category,
    string Name,
    string Message,
    IReadOnlyDictionary<string, object?> Attributes,
    string? TraceId,
    string? SpanId);

/// <summary>A query over the event store. Every filter is optional.</summary>
/// <param name="MinimumSeverity">Only events at or above this severity.</param>
/// <param name="Categories">Only these categories (wire names).</param>
/// <param name="From">Only events at or after this time (inclusive).</param>
/// <param name="To">Only events before this time (exclusive).</param>
/// <param name="Contains">Only events whose name or message contains this text (case-insensitive).</param>
/// <param name="TraceId">Only events of this trace.</param>
/// <param name="Limit">At most this many, 1 to 1000. Default 100.</param>
/// <param name="Offset">Skip this many matching events first (paging). Default 0.</param>
internal sealed record AccuSceneEventQuery(
    AccuSceneEventSeverity? MinimumSeverity = null,
    IReadOnlySet<string>? Categories = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Contains = null,
    string? TraceId = null,
    int Limit = 100,
    int Offset = 0);

/// <summary>A page of events, newest first.</summary>
/// <param name="Events">The events on this page.</param>
/// <param name="Matched">How many stored events match the query in all.</param>
/// <param name="Offset">The page's offset.</param>
/// <param name="NextOffset">The offset of the next page, or <see langword="null"/> when this is the last.</param>
/// <param name="Dropped">How many events the store has dropped since it started because it was full.</param>
internal sealed record AccuSceneEventPage(IReadOnlyList<AccuSceneEvent> Events, int Matched, int Offset, int? NextOffset, long Dropped);
