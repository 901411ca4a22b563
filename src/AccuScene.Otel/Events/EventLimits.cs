using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Events;

/// <summary>
/// The per-event limits of an <see cref="AccuSceneEventStore"/>: texts are cut to their maximum length and
/// attributes past the maximum count are left out; and the estimate of what one stored event costs in memory.
/// </summary>
internal sealed class EventLimits
{
    // The estimate: each string costs its UTF-16 characters plus a header, and each event the record, its
    // attribute dictionary and the dictionary's arrays. It errs on the high side (about 5% for a 4,096-character
    // message): the storm test in HostileInputStormTests measures managed memory against it.
    private const int StringOverhead = 40;
    private const int EventOverhead = 512;
    private const int AttributeOverhead = 64;

    public EventLimits(AccuSceneEventsOptions options)
    {
        this.MaxEvents = options.MaxEvents;
        this.MaxBytes = options.MaxBytes;
        this.MaxMessageLength = options.MaxMessageLength;
        this.MaxTextLength = options.MaxAttributeLength;
        this.MaxAttributes = options.MaxAttributes;
    }

    public int MaxEvents { get; }

    public long MaxBytes { get; }

    public int MaxMessageLength { get; }

    public int MaxTextLength { get; }

    public int MaxAttributes { get; }

    public static long Estimate(AccuSceneEvent item)
    {
        long bytes = EventOverhead + Text(item.Category) + Text(item.Name) + Text(item.Message) + Text(item.TraceId) + Text(item.SpanId);
        // Apply always leaves a Dictionary (the processor's own, or a copy): enumerated without boxing an enumerator.
        foreach (var (key, value) in (Dictionary<string, object?>)item.Attributes)
        {
            bytes += AttributeOverhead + Text(key) + Value(value);
        }

        return bytes;
    }

    /// <summary>Returns the event within the limits, and whether anything had to be cut or left out.</summary>
    /// <param name="item">The event.</param>
    /// <param name="owned">Whether its attribute dictionary is the SDK's own, built for this event (the capture
    /// processors'); a caller's dictionary is always copied, so its spare capacity, hidden state or later changes
    /// never escape the estimate.</param>
    /// <param name="truncated">Whether anything was cut or left out.</param>
    public AccuSceneEvent Apply(AccuSceneEvent item, bool owned, out bool truncated)
    {
        truncated = false;
        var category = Clip(item.Category ?? string.Empty, this.MaxTextLength, ref truncated);
        var name = Clip(item.Name ?? string.Empty, this.MaxTextLength, ref truncated);
        var message = Clip(item.Message ?? string.Empty, this.MaxMessageLength, ref truncated);
        var traceId = item.TraceId is null ? null : Clip(item.TraceId, 32, ref truncated);
        var spanId = item.SpanId is null ? null : Clip(item.SpanId, 16, ref truncated);
        var attributes = this.ApplyAttributes(item.Attributes, owned, ref truncated);
        return truncated || !ReferenceEquals(attributes, item.Attributes) || item.Category is null || item.Name is null || item.Message is null
            ? item with { Category = category, Name = name, Message = message, TraceId = traceId, SpanId = spanId, Attributes = attributes }
            : item;
    }

    private bool Fits(Dictionary<string, object?> attributes)
    {
        foreach (var (key, value) in attributes)
        {
            if (key.Length > this.MaxTextLength || (value is string text && text.Length > this.MaxTextLength) || !IsNormal(value))
            {
                return false;
            }
        }

        return true;
    }

    private static long Text(string? text) => text is null ? 0 : StringOverhead + (2L * text.Length);

    // A boxed number or boolean: its object header and 8 bytes of value.
    private static long Value(object? value) => value is string text ? Text(text) : value is null ? 0 : 24;

    private static bool IsNormal(object? value) => value is null or string or long or double or bool;

    private Dictionary<string, object?> ApplyAttributes(IReadOnlyDictionary<string, object?>? attributes, bool owned, ref bool truncated)
    {
        if (attributes is null)
        {
            return new Dictionary<string, object?>(0, StringComparer.Ordinal);
        }

        if (owned && attributes is Dictionary<string, object?> own && own.Count <= this.MaxAttributes && this.Fits(own))
        {
            return own;
        }

        var copy = new Dictionary<string, object?>(Math.Min(attributes.Count, this.MaxAttributes), StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            if (copy.Count == this.MaxAttributes)
            {
                truncated = true;
                break;
            }

            if (key is null)
            {
                continue;
            }

            // Two keys cut to one prefix keep the first.
            var normal = EventAttributeValue.Normalize(value);
            copy.TryAdd(Clip(key, this.MaxTextLength, ref truncated), normal is string text ? Clip(text, this.MaxTextLength, ref truncated) : normal);
        }

        return copy;
    }

    private static string Clip(string text, int max, ref bool truncated)
    {
        var cut = TextLimits.Cut(text, max);
        truncated |= !ReferenceEquals(cut, text);
        return cut;
    }
}
